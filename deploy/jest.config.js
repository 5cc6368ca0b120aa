// `npm run test:deploy` (tools/test/deploy.sh): the chart's lint, schema validation and unit tests
// (values → manifests), and a real control plane on loopback. The tools come from environment
// variables set by tools/test/deploy.sh (built into a cache by tools/setup/go-tools.sh).
// The Nest preset: the platform's testing kit pulls ES-module-only packages (jose).
module.exports = {
  ...require('../libs/platform/jest.nest-preset.js'),
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
};
