module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'standalone',
  rootDir: __dirname,
};
