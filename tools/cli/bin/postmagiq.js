#!/usr/bin/env node
// Entry point of `npx postmagiq`. Runs the CLI compiled to plain JavaScript under dist/ (no
// transpiler at start: ~10x faster than tsx), building it on first use and again whenever one of
// its sources or the prompts/workflows assets changed (the check is a stat per input file). If
// dist/ cannot be written, falls back to running the TypeScript sources through tsx.
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');
const ENTRY = 'tools/cli/src/main.ts';
const DIST = path.join(ROOT, 'dist');
const MANIFEST = path.join(DIST, 'tools/cli/build-manifest.json');

function runFromSource() {
  process.env.TSX_TSCONFIG_PATH ??= path.join(ROOT, 'tsconfig.base.json');
  require('tsx/cjs');
  require('../src/main.ts');
}

let built = false;
try {
  const { build, isStale } = require('../../build/build.js');
  if (isStale(MANIFEST)) build([ENTRY], DIST, MANIFEST);
  built = true;
} catch (error) {
  process.stderr.write(
    `postmagiq: could not build the CLI (${error.message}); running it from source\n`,
  );
}
if (built) require(path.join(DIST, 'tools/cli/src/main.js'));
else runFromSource();
