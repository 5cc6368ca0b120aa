#!/usr/bin/env bash
# The README's test command: every lint, type check and test suite of the workspace, then
# Schemathesis against the one-machine stack (npm run test:schemathesis), then one closing line with
# the totals ("N passed, N failed, N skipped") over both.
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results
npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
status=$?
# its own stage: it writes tmp/test-results/schemathesis.json, counted below like a project
npm run --silent test:schemathesis || status=1
node tools/test/print-summary.js || status=1
exit $status
