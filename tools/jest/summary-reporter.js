// Writes each project's test counts to tmp/test-results/<project>.json, declared as the test
// target's Nx output so cached runs restore it; tools/test/run-all.sh adds them up at the end.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const project = process.env.NX_TASK_TARGET_PROJECT ?? 'jest';
    const dir = path.join(ROOT, 'tmp/test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `${project}.json`),
      JSON.stringify({
        project,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}

module.exports = SummaryReporter;
