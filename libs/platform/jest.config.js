module.exports = {
  ...require('./jest.nest-preset.js'),
  displayName: 'platform',
  rootDir: __dirname,
};
