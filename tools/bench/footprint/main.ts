/*
 * npm run bench:footprint — what a production build buys. Each service with an Nx `build` target is
 * built (tools/build/build.js) and booted alone against the test infrastructure (real Redis, NATS,
 * embedded Postgres), once as `node dist/…/main.js` and once from source through @swc-node/register
 * (how `npm start` and the other benchmarks run it), both with the Node options of the images
 * (the Dockerfile's NODE_OPTIONS): boot-to-ready time (spawn → first 200 from /health/ready) and
 * the idle resident memory after it settles. Then the CLI's cold start
 * (`postmagiq validate`, built vs tsx). Each service boots once unmeasured first, so both
 * measured boots find the migrations applied.
 *   BENCH_IDLE_MS   how long a ready service idles before its RSS is read (default 3000)
 *   BENCH_SERVICES  comma-separated subset (default: every service with a build target)
 */
import { freePort, startTestInfra, stopChild, type TestInfra } from '@postmagiq/platform/testing';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../..');
const IDLE_MS = Number(process.env['BENCH_IDLE_MS'] ?? 3000);
const CLI_RUNS = 7;
/** The Node options the images run services with (the Dockerfile's service stage), for both runs. */
const IMAGE_NODE_OPTIONS =
  /NODE_OPTIONS=(\S+)/.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'))?.[1] ?? '';

interface Boot {
  bootMs: number;
  idleRssMb: number;
}

/** Services with a `build` target, and the entry their Deployment runs. */
function services(): { name: string; entry: string }[] {
  const only = process.env['BENCH_SERVICES']?.split(',').filter(Boolean);
  return readdirSync(join(repoRoot, 'services'))
    .filter((name) => {
      const project = join(repoRoot, 'services', name, 'project.json');
      if (!existsSync(project)) return false;
      return 'build' in (JSON.parse(readFileSync(project, 'utf8')) as { targets: object }).targets;
    })
    .filter((name) => !only || only.includes(name))
    .map((name) => ({ name, entry: `services/${name}/src/main.ts` }));
}

function ready(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const req = get({ host: '127.0.0.1', port, path: '/health/ready', timeout: 1000 }, (res) => {
      res.resume();
      ok(res.statusCode === 200);
    });
    req.on('error', () => ok(false));
    req.on('timeout', () => req.destroy());
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return Math.round(kb / 102.4) / 10;
}

async function boot(
  name: string,
  command: string[],
  infra: TestInfra,
  dataDir: string,
  measure: boolean,
): Promise<Boot> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...infra.env,
    NODE_ENV: 'production',
    NODE_OPTIONS: IMAGE_NODE_OPTIONS,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    AGENT_BACKEND: 'simulated',
    SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json'),
  };
  let output = '';
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${name} exited with ${child.exitCode}\n${output}`);
      if (await ready(port)) break;
      if (performance.now() - started > 120_000)
        throw new Error(`${name} not ready in 120 s\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const bootMs = Math.round(performance.now() - started);
    if (measure) await new Promise((r) => setTimeout(r, IDLE_MS));
    return { bootMs, idleRssMb: measure ? rssMb(child.pid as number) : 0 };
  } finally {
    await stopChild(child, 15_000);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Wall time of `postmagiq validate` started as a fresh process, median of CLI_RUNS. */
function cliColdStartMs(bin: string[]): number {
  const args = [...bin, 'validate', 'workflows/linkedin_post.yaml'];
  spawnSync(process.execPath, args, { cwd: repoRoot }); // builds the CLI if it is stale
  return coldStartMs(args);
}

function coldStartMs(args: string[]): number {
  const env = process.env;
  const times: number[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, env, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  }
  return Math.round(median(times));
}

async function main(): Promise<void> {
  const list = services();
  for (const { name } of list) {
    const project = JSON.parse(
      readFileSync(join(repoRoot, 'services', name, 'project.json'), 'utf8'),
    ) as {
      targets: { build: { options: { command: string } } };
    };
    execFileSync('sh', ['-c', project.targets.build.options.command], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  const infra = await startTestInfra();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-footprint-'));
  const figures: Record<
    string,
    { bootMs: number; idleRssMb: number; srcBootMs: number; srcIdleRssMb: number }
  > = {};
  try {
    for (const { name, entry } of list) {
      const built = [join('dist', entry.replace(/\.ts$/, '.js'))];
      const source = ['-r', '@swc-node/register', entry];
      await boot(name, source, infra, dataDir, false); // applies the migrations
      const b = await boot(name, built, infra, dataDir, true);
      const s = await boot(name, source, infra, dataDir, true);
      figures[name] = {
        bootMs: b.bootMs,
        idleRssMb: b.idleRssMb,
        srcBootMs: s.bootMs,
        srcIdleRssMb: s.idleRssMb,
      };
    }
  } finally {
    await infra.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const cli = cliColdStartMs(['tools/cli/bin/postmagiq.js']);
  const cliSrc = cliColdStartMs(['tools/bench/footprint/cli-from-source.js']);
  // the floor on this machine at this moment: a Node process that does nothing
  const nodeStart = coldStartMs(['-e', '']);

  const row = (cells: (string | number)[]) =>
    cells.map((c, i) => String(c).padStart(i ? 12 : 14)).join('');
  console.log(
    `services run with NODE_OPTIONS=${IMAGE_NODE_OPTIONS} (as in their images), built and from source`,
  );
  console.log(row(['service', 'boot ms', 'idle RSS MB', 'src boot ms', 'src RSS MB']));
  for (const [name, f] of Object.entries(figures)) {
    console.log(row([name, f.bootMs, f.idleRssMb, f.srcBootMs, f.srcIdleRssMb]));
  }
  console.log(
    `CLI cold start (postmagiq validate): built ${cli} ms, from source (tsx) ${cliSrc} ms`,
  );
  console.log(
    JSON.stringify({
      services: Object.fromEntries(
        Object.entries(figures).map(([name, f]) => [
          name,
          {
            bootMs: f.bootMs,
            idleRssMb: f.idleRssMb,
            srcIdleRssMb: f.srcIdleRssMb,
            srcBootMs: f.srcBootMs,
          },
        ]),
      ),
      cliColdStartMs: cli,
      cliSrcColdStartMs: cliSrc,
      nodeEmptyStartMs: nodeStart,
      cliSpeedup: Math.round((cliSrc / cli) * 10) / 10,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
