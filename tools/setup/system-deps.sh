#!/usr/bin/env bash
# Makes sure the system services the tests and the one-machine stack use are installed:
# Redis and NATS from Debian's packages, Chromium for the browser tests, and a PostgreSQL server
# (binaries only: tests start throw-away clusters of their own) for the races the single-session
# embedded Postgres cannot show, and Python's venv for Schemathesis.
# Installs what is missing when run as root; otherwise says exactly what to install.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# Python with venv and pip for the Schemathesis stage (tools/setup/python-tools.sh makes the venv)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3 python3-venv)
if [ "${POSTMAGIQ_SKIP_CHROMIUM:-}" != "1" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "postmagiq needs these system packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "installing ${missing[*]} from Debian's packages" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
