module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'content',
  rootDir: __dirname,
};
