#!/usr/bin/env bash
# The README's test command: every lint, type check and test suite of the workspace, then one
# closing line with the totals ("N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results
npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
status=$?
node tools/test/print-summary.js || status=1
exit $status
