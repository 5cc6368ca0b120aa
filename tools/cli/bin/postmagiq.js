#!/usr/bin/env node
// Entry point of `npx postmagiq`: runs the TypeScript sources through tsx, resolving the
// `@postmagiq/*` path aliases from tsconfig.base.json, so the CLI works right after `npm ci`.
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH ??= path.resolve(__dirname, '../../../tsconfig.base.json');
require('tsx/cjs');
require('../src/main.ts');
