#!/usr/bin/env bash
# The README's test command: the formatting check, every lint, type check and test suite of the
# workspace, then one closing line with the totals ("N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results
# formatting is checked first and fails the run, but every suite still runs
npx prettier --check . --log-level warn
formatted=$?
[ $formatted -ne 0 ] && echo "prettier: the files above are not formatted (npm run format fixes them)"
npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
status=$?
node tools/test/print-summary.js || status=1
[ $formatted -ne 0 ] && status=1
exit $status
