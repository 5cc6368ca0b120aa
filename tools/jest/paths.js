// Maps the `@postmagiq/*` aliases of tsconfig.base.json to absolute paths for jest,
// so the alias list lives in exactly one place.
const path = require('node:path');
const tsconfig = require('../../tsconfig.base.json');

const root = path.resolve(__dirname, '../..');

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions.paths)) {
    const escaped = alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    mapper[`^${escaped}$`] = path.join(root, target);
  }
  return mapper;
}

/**
 * Code jest loads outside its module system (a project's globalSetup/globalTeardown) goes through
 * Node's require, which knows no aliases: this teaches it the same ones.
 */
function registerAliasesForNode() {
  const Module = require('node:module');
  const aliases = new Map(
    Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
      alias,
      path.join(root, target),
    ]),
  );
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, aliases.get(request) ?? request, ...rest);
  };
}

module.exports = { pathsToModuleNameMapper, registerAliasesForNode };
