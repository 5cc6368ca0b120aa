#!/usr/bin/env bash
# The README's test command: the formatting check, every lint, type check and test suite of the
# workspace, then the stages that need the whole stack or tools outside Nx (the console in
# Chromium, Schemathesis, restart chaos, load invariants, the Helm chart against a real control
# plane), then one closing line with the totals ("N passed, N failed, N skipped") over all of them.
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results && mkdir -p tmp/test-results
status=0

# formatting is checked first and counts as one check, but every suite still runs
if npx prettier --check . --log-level warn; then
  echo '{"project":"format","passed":1,"failed":0,"skipped":0}' >tmp/test-results/format.json
else
  echo "prettier: the files above are not formatted (npm run format fixes them)"
  echo '{"project":"format","passed":0,"failed":1,"skipped":0,"failures":["prettier --check"]}' >tmp/test-results/format.json
  status=1
fi

npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@" || status=1

# run_stage NAME COMMAND…: a whole-stack check as its own stage, run alone so it never competes
# with the integration suites for the CPU. Its checks land in tmp/test-results/NAME.json like a
# jest project's tests; one that dies before writing them counts as one failure.
run_stage() {
  local name=$1
  shift
  local file="tmp/test-results/$name.json"
  echo
  echo "== stage $name: $*"
  rm -f "$file"
  CHECKS_FILE="$PWD/$file" "$@" || status=1
  [ -f "$file" ] || echo "{\"project\":\"$name\",\"passed\":0,\"failed\":1,\"skipped\":0}" >"$file"
}

# The console's browser tests: Chromium against the real one-machine stack (builds the console first).
run_stage web-e2e npx nx run web-e2e:e2e --outputStyle=static
# Restarts mid-run (~3 min): runs in flight while orchestration replicas and workers are SIGKILLed
# and Redis, NATS and Postgres restart twice each; every run settles, nothing lost or repeated.
run_stage chaos env CHAOS_RUNS=40 CHAOS_LATENCY_MS=1000 CHAOS_MAX_KILLS=15 CHAOS_SERVER_RESTARTS=2 \
  CHAOS_MAX_MINUTES=8 npm run --silent chaos
# Load invariants (~2 min), not timings: no answer other than expected at two small stages, and
# the login and per-user limits exact under that load.
run_stage load env LOAD_STAGES=5,10 LOAD_STAGE_SECONDS=15 LOAD_GAP_SECONDS=5 npm run --silent load
# The Helm chart: lint, strict schemas, unit tests, and a real control plane on loopback.
run_stage deploy bash tools/test/deploy.sh

node tools/test/print-summary.js || status=1
exit $status
