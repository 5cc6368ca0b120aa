#!/usr/bin/env bash
# The README's test command: every lint, type check and test suite of the workspace, the console's
# browser tests, then one closing line with the totals ("N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results
npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
status=$?
# The console's browser tests: Chromium against the real one-machine stack, on its own so it never
# competes with the integration suites for the CPU (it builds the console first).
npx nx run web-e2e:e2e --outputStyle=static || status=1
node tools/test/print-summary.js || status=1
exit $status
