// The CLI as `npx postmagiq` ran it before it was built: TypeScript through tsx at every start
// (the baseline of bench:footprint's CLI cold start).
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH ??= path.resolve(__dirname, '../../../tsconfig.base.json');
require('tsx/cjs');
require('../../cli/src/main.ts');
