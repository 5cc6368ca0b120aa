module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'prompts',
  rootDir: __dirname,
};
