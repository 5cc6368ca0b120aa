// Adds up the per-project counts tools/jest/summary-reporter.js wrote, and the checks of the
// whole-stack stages (chaos, load: libs/platform/src/testing/checks-file.ts), and prints one closing
// line.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '../../tmp/test-results');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const counts = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  for (const key of Object.keys(total)) total[key] += counts[key];
  for (const failure of counts.failures ?? []) console.log(`${counts.project}: FAILED ${failure}`);
}
console.log(`\nTest totals over ${files.length} projects and stages:`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = files.length === 0 || total.passed === 0 || total.failed > 0 ? 1 : 0;
