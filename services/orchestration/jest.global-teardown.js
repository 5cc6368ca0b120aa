require('../../tools/jest/paths').registerAliasesForNode();
module.exports = require('./src/testing/jest-global-teardown.ts').default;
