// jest loads global setup through Node's require (no path aliases): teach it the aliases first
require('../../tools/jest/paths').registerAliasesForNode();
module.exports = require('./src/testing/jest-global-setup.ts').default;
