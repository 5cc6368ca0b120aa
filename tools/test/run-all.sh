#!/usr/bin/env bash
# The README's test command: every lint, type check and test suite of the workspace, then the
# chart's verification (tools/test/deploy.sh), then one closing line with the totals
# ("N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")/../.."

rm -rf tmp/test-results && mkdir -p tmp/test-results
npx nx run-many -t lint typecheck test --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
status=$?

# the Helm chart, against a real control plane: its own stage (it needs the Go tools, not Nx)
echo; echo "== deploy: npm run test:deploy"
if ! bash tools/test/deploy.sh; then
  status=1
  # a failure before jest ran (tools, schemas) still counts in the closing line
  [ -f tmp/test-results/deploy.json ] ||
    echo '{"project":"deploy","passed":0,"failed":1,"skipped":0}' > tmp/test-results/deploy.json
fi

node tools/test/print-summary.js || status=1
exit $status
