module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agents',
  rootDir: __dirname,
};
