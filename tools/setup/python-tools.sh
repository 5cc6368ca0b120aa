#!/usr/bin/env bash
# Makes the Python tools the test command uses, in a virtual environment from PyPI, in a cache
# folder outside the repository keyed by version, and only when missing (a warm cache takes no time).
#   tools/setup/python-tools.sh   prints "schemathesis=/path/to/st" when done
# Needs python3 ≥ 3.11 with the venv module (Debian: python3-venv). POSTMAGIQ_TOOLS_CACHE moves the
# cache (default ~/.cache/postmagiq/tools), as for tools/setup/go-tools.sh.
set -euo pipefail
cache="${POSTMAGIQ_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmagiq/tools}"

# 4.32.5 needs Python ≥ 3.11 (Debian 12 has 3.11); its CLI runs every check, stateful links, several
# identities (the cross-user check) and a seed.
SCHEMATHESIS_VERSION=4.32.5

python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || { echo "python-tools: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }

venv="$cache/schemathesis-$SCHEMATHESIS_VERSION"
# A venv cannot be moved (its scripts name their interpreter by path), so it is made in place and
# a marker written last says it is complete; an interrupted install is redone from scratch.
if [ ! -f "$venv/.complete" ]; then
  echo "python-tools: installing schemathesis $SCHEMATHESIS_VERSION from PyPI (once; cached in $venv)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  touch "$venv/.complete"
fi
echo "schemathesis=$venv/bin/st"
