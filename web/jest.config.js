// Unit tests of the console: jest-preset-angular in a zoneless jsdom environment.
const { pathsToModuleNameMapper } = require('../tools/jest/paths');

module.exports = {
  displayName: 'web',
  rootDir: __dirname,
  preset: 'jest-preset-angular',
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  transform: {
    '^.+\\.(ts|js|mjs|html|svg)$': [
      'jest-preset-angular',
      { tsconfig: '<rootDir>/tsconfig.spec.json', stringifyContentPathRegex: '\\.(html|svg)$' },
    ],
  },
  transformIgnorePatterns: ['node_modules/(?!.*\\.mjs$)'],
  moduleNameMapper: pathsToModuleNameMapper(),
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  clearMocks: true,
  reporters: ['default', require.resolve('../tools/jest/summary-reporter.js')],
};
