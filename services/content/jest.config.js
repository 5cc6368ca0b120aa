module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'content',
  rootDir: __dirname,
  // the integration suites share one Redis, NATS and embedded Postgres (each boots its own app)
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
};
