// Browser tests of the console: playwright-core drives Debian's Chromium against the real
// one-machine stack (Redis, NATS, embedded Postgres and the standalone process, started here).
module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
  testTimeout: 180_000,
};
