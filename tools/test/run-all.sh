#!/usr/bin/env bash
# The README's test command: every lint, type check and test suite of the workspace, then the
# stages that run the whole stack (Schemathesis, restart chaos, load invariants), then one closing
# line with the totals ("N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results
npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
status=$?

# run_stage NAME COMMAND…: a whole-stack check as its own stage. Its checks land in
# tmp/test-results/NAME.json like a jest project's tests; one that dies before writing them
# counts as one failure.
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

# Schemathesis (~5 min) against the one-machine stack's OpenAPI document with every check, as two
# users of two workspaces: no answer >= 500, none the document does not describe.
run_stage schemathesis npm run --silent test:schemathesis
# Restarts mid-run (~3 min): runs in flight while orchestration replicas and workers are SIGKILLed
# and Redis, NATS and Postgres restart twice each; every run settles, nothing lost or repeated.
run_stage chaos env CHAOS_RUNS=40 CHAOS_LATENCY_MS=1000 CHAOS_MAX_KILLS=15 CHAOS_SERVER_RESTARTS=2 \
  CHAOS_MAX_MINUTES=8 npm run --silent chaos
# Load invariants (~2 min), not timings: no answer other than expected at two small stages, and
# the login and per-user limits exact under that load.
run_stage load env LOAD_STAGES=5,10 LOAD_STAGE_SECONDS=15 LOAD_GAP_SECONDS=5 npm run --silent load

node tools/test/print-summary.js || status=1
exit $status
