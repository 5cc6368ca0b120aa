#!/usr/bin/env bash
# The Kubernetes JSON schemas kubeconform validates the chart's renderings against, offline:
# kubernetes-validate's strict "local" schemas (from PyPI, downloaded once with pip in a venv of the
# cache), rewritten by k8s/fix-schemas.py. Prints the schema directory (the parent of
# v<version>-local-strict/). Cached outside the repository like the Go tools; only when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${POSTMAGIQ_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmagiq/tools}"
VALIDATE_VERSION=1.37.0
KUBE_SCHEMA_VERSION=v1.36.0
dir="$cache/k8s-schemas-$VALIDATE_VERSION"

if [ ! -f "$dir/$KUBE_SCHEMA_VERSION-local-strict/deployment-apps-v1.json" ]; then
  echo "k8s-schemas: downloading kubernetes-validate $VALIDATE_VERSION (once; cached in $dir)" >&2
  tmp="$dir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  python3 -m venv "$tmp/venv"
  "$tmp/venv/bin/pip" download --quiet --no-deps "kubernetes-validate==$VALIDATE_VERSION" -d "$tmp/wheel"
  unzip -q "$tmp"/wheel/*.whl "kubernetes_validate/kubernetes-json-schema/$KUBE_SCHEMA_VERSION-local-strict/*" -d "$tmp/unpacked"
  mv "$tmp/unpacked/kubernetes_validate/kubernetes-json-schema/$KUBE_SCHEMA_VERSION-local-strict" "$tmp/"
  python3 "$here/k8s/fix-schemas.py" "$tmp/$KUBE_SCHEMA_VERSION-local-strict"
  rm -rf "$tmp/venv" "$tmp/wheel" "$tmp/unpacked" "$dir"
  mv "$tmp" "$dir"
fi
echo "$dir"
