// Jest settings for NestJS projects. NestJS 12, jose 6 and a few others ship ES modules only;
// Jest 30 on Node 20 cannot require() them, so they are compiled to CommonJS by the same SWC
// transform as our sources. The list is computed from node_modules: every package whose
// package.json says "type": "module" is transformed, everything else is left alone.
const fs = require('node:fs');
const path = require('node:path');
const base = require('../../jest.preset.js');

const root = path.resolve(__dirname, '../..');
const nm = path.join(root, 'node_modules');

function esmPackages() {
  const out = [];
  const visit = (dir, prefix) => {
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      if (name.startsWith('@') && !prefix) {
        visit(path.join(dir, name), name + '/');
        continue;
      }
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8'));
        if (pkg.type === 'module') out.push(prefix + name);
      } catch {
        /* not a package */
      }
    }
  };
  visit(nm, '');
  return out;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const esm = esmPackages().map(escape).join('|');

module.exports = {
  ...base,
  transform: {
    ...base.transform,
    // .mjs sources of ESM packages go through the same transform
    '^.+\\.mjs$': base.transform['^.+\\.[tj]s$'],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esm})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};
