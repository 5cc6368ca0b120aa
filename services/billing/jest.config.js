module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'billing',
  rootDir: __dirname,
};
