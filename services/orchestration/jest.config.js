module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'orchestration',
  rootDir: __dirname,
};
