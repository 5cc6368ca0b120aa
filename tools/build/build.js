#!/usr/bin/env node
// Production build: compiles TypeScript entry points and every local file they reach into plain
// CommonJS under dist/ (same layout as the repository, so `dist/services/x/src/main.js` starts
// with `node`), with SWC: decorators and their metadata kept (Nest's injection needs them), the
// `@postmagiq/*` path aliases rewritten to relative requires. Packages stay in node_modules.
// The prompts/ and workflows/ assets are copied beside, where the code looks for them.
//   node tools/build/build.js [--out dist] [--launcher] <entry.ts> [entry.ts …]
// --launcher also writes dist/main.js, which runs the first entry (the images' `node main.js`).
// Plain JavaScript on purpose: it runs from `npm ci`'s `prepare` before anything is built.
'use strict';
// @swc/core (a large native module) loads only when something is compiled
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const ASSETS = ['prompts', 'workflows'];

function aliases() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8'));
  return tsconfig.compilerOptions.paths;
}

function swcOptions(paths) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      baseUrl: ROOT,
      paths,
      keepClassNames: true,
    },
    module: { type: 'commonjs', strictMode: true },
    sourceMaps: true,
    swcrc: false,
    configFile: false,
  };
}

/** The source file a relative require from `fromFile` names (x.ts, x/index.ts, x.json). */
function resolveLocal(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (
      /\.(ts|json)$/.test(candidate) &&
      fs.existsSync(candidate) &&
      fs.statSync(candidate).isFile()
    ) {
      return candidate;
    }
  }
  if (/\.js$/.test(base) && fs.existsSync(base.replace(/\.js$/, '.ts')))
    return base.replace(/\.js$/, '.ts');
  throw new Error(`${path.relative(ROOT, fromFile)}: cannot resolve '${specifier}'`);
}

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file); // atomic: parallel builds of two projects may write the same lib file
}

/** Every file the build read (sources and assets) and each asset folder, for staleness checks. */
function inputsOf(sources) {
  const inputs = [...sources];
  for (const asset of ASSETS) {
    const walk = (dir) => {
      inputs.push(dir);
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else inputs.push(p);
      }
    };
    walk(path.join(ROOT, asset));
  }
  return inputs.map((p) => path.relative(ROOT, p));
}

/**
 * Compiles the entries and their local closure; returns the files read. With `manifest`, writes
 * there the list of inputs, which `isStale` compares with their modification times.
 */
function build(entries, outDir, manifest) {
  const options = swcOptions(aliases());
  const seen = new Set();
  const queue = entries.map((e) => path.resolve(ROOT, e));
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const rel = path.relative(ROOT, file);
    if (rel.startsWith('..')) throw new Error(`${rel}: outside the repository`);
    if (file.endsWith('.json')) {
      writeIfChanged(path.join(outDir, rel), fs.readFileSync(file, 'utf8'));
      continue;
    }
    const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
    const { code, map } = require('@swc/core').transformFileSync(file, {
      ...options,
      filename: file,
      sourceFileName: path.relative(path.dirname(out), file),
    });
    writeIfChanged(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
    writeIfChanged(`${out}.map`, map);
    // SWC keeps a string literal's quotes, so a lazy require('./x') in the source stays single-quoted
    for (const match of code.matchAll(/require\((["'])(\.{1,2}\/[^"']*)\1\)/g)) {
      queue.push(resolveLocal(file, match[2]));
    }
  }
  for (const asset of ASSETS) {
    fs.cpSync(path.join(ROOT, asset), path.join(outDir, asset), { recursive: true });
  }
  const inputs = inputsOf([...seen]);
  if (manifest) writeIfChanged(manifest, JSON.stringify({ builtAt: Date.now(), inputs }));
  return inputs;
}

/**
 * `main.js` at the root of the output: the image's fixed entry point (`node main.js`), which runs
 * the first entry, or prints the version from the package.json beside dist/ for `--version`.
 */
function writeLauncher(outDir, entry) {
  const target = `./${path.relative(ROOT, path.resolve(ROOT, entry)).replace(/\.ts$/, '.js')}`;
  writeIfChanged(
    path.join(outDir, 'main.js'),
    `'use strict';
// Generated by tools/build/build.js --launcher: the image's entry point.
if (process.argv[2] === '--version') {
  process.stdout.write(\`\${require('../package.json').version}\\n\`);
} else {
  require(${JSON.stringify(target)});
}
`,
  );
}

/** True when `manifest` is missing or an input changed (or vanished) since that build. */
function isStale(manifest) {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch {
    return true;
  }
  return recorded.inputs.some((rel) => {
    try {
      return fs.statSync(path.join(ROOT, rel)).mtimeMs > recorded.builtAt;
    } catch {
      return true;
    }
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  let outDir = path.join(ROOT, 'dist');
  const outAt = args.indexOf('--out');
  if (outAt >= 0) {
    outDir = path.resolve(args[outAt + 1]);
    args.splice(outAt, 2);
  }
  let launcher = false;
  const launcherAt = args.indexOf('--launcher');
  if (launcherAt >= 0) {
    launcher = true;
    args.splice(launcherAt, 1);
  }
  if (args.length === 0) {
    process.stderr.write(
      'usage: node tools/build/build.js [--out dist] [--launcher] <entry.ts> [entry.ts …]\n',
    );
    process.exit(2);
  }
  const started = Date.now();
  const count = build(args, outDir).length;
  if (launcher) writeLauncher(outDir, args[0]);
  process.stdout.write(
    `built ${args.join(', ')}: ${count} files into ${path.relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms\n`,
  );
}

module.exports = { build, isStale, ROOT };
