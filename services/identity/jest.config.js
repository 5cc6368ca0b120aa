module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'identity',
  rootDir: __dirname,
};
