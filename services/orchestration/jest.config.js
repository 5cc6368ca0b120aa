module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'orchestration',
  rootDir: __dirname,
  // the feature suites share one Redis, NATS and embedded Postgres (each boots its own replicas)
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
};
