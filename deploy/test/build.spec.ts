import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './tools';

/*
 * The production build as the images use it: each service compiled alone into a fresh folder laid
 * out like the image (/app/package.json, /app/node_modules, /app/dist), then started from there
 * with `node main.js` — so a file the build missed, an alias left unresolved or lost decorator
 * metadata would fail here, not in a cluster.
 */
const services = readdirSync(join(REPO_ROOT, 'services')).filter((name) => {
  const project = join(REPO_ROOT, 'services', name, 'project.json');
  return existsSync(project) && 'build' in JSON.parse(readFileSync(project, 'utf8')).targets;
});
const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;

describe.each(services)('the built %s', (service) => {
  let app: string;
  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), `postmagiq-build-${service}-`));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
    copyFileSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
    const out = join(app, 'dist');
    const built = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'tools/build/build.js'),
        '--out',
        out,
        '--launcher',
        `services/${service}/src/main.ts`,
      ],
      { encoding: 'utf8' },
    );
    if (built.status !== 0) throw new Error(`build of ${service} failed:\n${built.stderr}`);
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  const start = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, ['main.js', ...args], {
      cwd: join(app, 'dist'),
      env: { PATH: process.env['PATH'] ?? '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('is plain JavaScript: no TypeScript, no alias left, decorator metadata kept, assets beside', () => {
    const main = readFileSync(join(app, 'dist/services', service, 'src/main.js'), 'utf8');
    expect(main).not.toMatch(/@postmagiq\//);
    expect(existsSync(join(app, 'dist/prompts/universal_rules.md'))).toBe(true);
    expect(existsSync(join(app, 'dist/workflows/linkedin_post.yaml'))).toBe(true);
    const platform = readFileSync(
      join(app, 'dist/libs/platform/src/observability/health.js'),
      'utf8',
    );
    expect(platform).toContain('design:paramtypes');
  });

  it('prints its version and stops on a bad setting with the message naming it, loading every module', () => {
    const v = start({}, ['--version']);
    expect(v.stdout.trim()).toBe(version);
    const bad = start({ NODE_ENV: 'production', PORT: 'not-a-port', AGENT_BACKEND: 'simulated' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('Invalid configuration');
    expect(bad.stderr).toMatch(/PORT: /);
    expect(bad.stderr).not.toMatch(/Cannot find module|MODULE_NOT_FOUND/);
  });
});
