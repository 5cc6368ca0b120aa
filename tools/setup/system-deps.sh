#!/usr/bin/env bash
# Makes sure what the tests and the one-machine stack use is installed:
# - from Debian's packages: Redis, Chromium for the browser tests, and a PostgreSQL server
#   (binaries only: tests start throw-away clusters of their own) for the races the
#   single-session embedded Postgres cannot show. Installs what is missing when run as root;
#   otherwise says exactly what to install. Python's venv for Schemathesis (tools/setup/python-tools.sh
#   makes the venv).
# - Go tools, built once into a cache by tools/setup/go-tools.sh: nats-server (a current server:
#   Debian's 2.9 cannot fsync JetStream on every write), k6 (the load test) and stripe-mock (billing's
#   Stripe conformance tests). This needs Go
#   (>= 1.26) when the cache lacks them; go-tools.sh says where to get it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# Python with venv and pip for the Schemathesis stage (tools/setup/python-tools.sh makes the venv)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3 python3-venv)
# the chart's verification (tools/test/deploy.sh): certificates of the test control plane, the
# offline Kubernetes schemas (pip download into a venv, unzip)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if [ "${POSTMAGIQ_SKIP_CHROMIUM:-}" != "1" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "postmagiq needs these system packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Go tools the tests run (a warm cache answers at once).
go_tools=(nats-server k6 stripe-mock)
bash "$here/go-tools.sh" "${go_tools[@]}" >/dev/null
