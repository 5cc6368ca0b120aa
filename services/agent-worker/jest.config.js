module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: 'agent-worker',
  rootDir: __dirname,
};
