// `npm run test:deploy` (tools/test/deploy.sh): the chart's lint, schema validation and unit tests
// (values → manifests), and a real control plane on loopback. The tools come from environment
// variables set by tools/test/deploy.sh (built into a cache by tools/setup/go-tools.sh).
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
};
