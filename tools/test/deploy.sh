#!/usr/bin/env bash
# `npm run test:deploy`: verifies the Helm chart — lint and strict schema validation of every
# example values file, the chart's unit tests (values → manifests), and a real control plane on
# loopback (kine, kube-apiserver, controller-manager, scheduler, kwok) for a server-side dry run of
# every rendering and an install → test → upgrade → uninstall. The Go tools and the offline
# schemas are built/downloaded into a cache outside the repository, only when missing.
# Writes its counts to tmp/test-results/deploy.json (added up by tools/test/print-summary.js).
set -euo pipefail
cd "$(dirname "$0")/../.."

declare -A bins
while IFS='=' read -r name path; do bins[$name]=$path; done < <(bash tools/setup/go-tools.sh helm kubeconform kine kwok kube)
export HELM="${bins[helm]}" KUBECONFORM="${bins[kubeconform]}" KINE="${bins[kine]}" KWOK="${bins[kwok]}"
KUBE_BIN_DIR="$(dirname "${bins[kubectl]}")"
export KUBE_BIN_DIR
K8S_SCHEMAS_DIR="$(bash tools/setup/k8s-schemas.sh)"
export K8S_SCHEMAS_DIR
command -v openssl >/dev/null || { echo "test:deploy needs openssl (apt-get install openssl)" >&2; exit 1; }

npx tsc -p deploy/tsconfig.json --noEmit
NX_TASK_TARGET_PROJECT=deploy exec npx jest -c deploy/jest.config.js --runInBand "$@"
