/**
 * npm run load — the one-machine stack under a realistic mix at rising concurrency (k6), on
 * loopback only: the highest request rate at which p99 stays under 500 ms with no error other than
 * the deliberate 429s, and the rate limits probed while the load runs.
 *
 * It starts Redis (AOF, noeviction) and NATS (JetStream, fsync always) as `npm start` does, on free
 * loopback ports, and the standalone process (every service, embedded Postgres) with a data dir of
 * its own; seeds users through the API; runs tools/bench/load/mix.k6.js with one loopback address
 * per VU; probes the login and per-user limits from other addresses in the middle of each stage;
 * prints a table and ends with one JSON line.
 *
 * Knobs (environment): LOAD_STAGES (VUs per stage, "10,25,50,100,150,200"), LOAD_STAGE_SECONDS
 * (30), LOAD_GAP_SECONDS (drain between stages, 10), LOAD_RUN_SHARE (share of actions that start
 * and watch a run, 0.02), LOAD_WATCH_SECONDS (8), LOAD_AGENT_LATENCY_MS (simulated agents, 100),
 * STACK_KEEP_LOGS=1 (keep the stack's logs and k6's summary).
 *
 * The exit code says whether the invariants held — no unexpected answer at any stage, every limit
 * probe exact — never whether a timing was met: timings are the figures it reports.
 */
import { ServiceProcess, sleep } from '@postmagiq/chaos';
import {
  freePort,
  goTool,
  startNats,
  startRedis,
  type RestartableServer,
  type Check,
  writeChecksFile,
} from '@postmagiq/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopback } from './http-from';
import { probeLoginLimit, probeUserLimit, type LimitProbe } from './limits';
import { seedUsers } from './seed';
import {
  requestKindFigures,
  stageFigures,
  type RequestKindFigures,
  type StageFigures,
} from './summary';

const STAGES = (process.env['LOAD_STAGES'] ?? '10,25,50,100,150,200').split(',').map(Number);
const STAGE_S = Number(process.env['LOAD_STAGE_SECONDS'] ?? 30);
const GAP_S = Number(process.env['LOAD_GAP_SECONDS'] ?? 10);
const RUN_SHARE = Number(process.env['LOAD_RUN_SHARE'] ?? 0.02);
const WATCH_S = Number(process.env['LOAD_WATCH_SECONDS'] ?? 8);
const AGENT_LATENCY_MS = Number(process.env['LOAD_AGENT_LATENCY_MS'] ?? 100);
/** The stack's defaults, set explicitly: the probes check exactly these. */
const USER_LIMIT = 100;
const LOGIN_LIMIT = 10;
const P99_BUDGET_MS = 500;

// loopback blocks: k6's VUs, seeded users' setup, limit probes (none shares an address)
const VU_BLOCK = '127.1';
const SEED_BLOCK = '127.2';
const PROBE_SEED_BLOCK = '127.3';
const PROBE_BLOCK = '127.4';

/** The machine's load before this started: these figures are only comparable at a similar one. */
const [BACKGROUND_LOAD_1MIN = 0] = loadavg();
const BACKGROUND_LOAD = Math.round(BACKGROUND_LOAD_1MIN * 10) / 10;

const log = (line: string) =>
  process.stderr.write(`[load ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

if (STAGES.some((v) => !Number.isInteger(v) || v < 1) || !(STAGE_S > 0) || !(GAP_S >= 0))
  throw new Error(
    'LOAD_STAGES is a comma-separated list of VU counts; LOAD_STAGE_SECONDS, LOAD_GAP_SECONDS positive',
  );

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pmq-load-'));
  const k6 = goTool('k6');
  const servers: RestartableServer[] = [];
  let app: ServiceProcess | undefined;
  let k6Child: ChildProcess | undefined;
  const cleanUp = async () => {
    k6Child?.kill('SIGTERM');
    await app?.stop();
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    if (process.env['STACK_KEEP_LOGS']) log(`logs and k6's summary kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C or a supervisor's SIGTERM still stops everything this started
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    log(
      'starting Redis (AOF, noeviction), NATS (JetStream, fsync always) and the one-machine process',
    );
    const [redis, nats] = await Promise.all([startRedis({ appendOnly: true }), startNats()]);
    servers.push(redis, nats);
    app = new ServiceProcess(
      'postmagiq',
      'standalone',
      'services/standalone/src/main.ts',
      {
        REDIS_URL: redis.url,
        NATS_URL: nats.url,
        DATA_DIR: join(dir, 'data'),
        SIMULATED_LATENCY_MS: String(AGENT_LATENCY_MS),
        RATE_LIMIT_PER_MINUTE: String(USER_LIMIT),
        RATE_LIMIT_LOGIN_PER_MINUTE: String(LOGIN_LIMIT),
        LOG_FILE: '',
      },
      await freePort(),
      dir,
    );
    await app.start(180_000);
    const base = app.url;

    const vus = Math.max(...STAGES);
    log(`seeding ${vus} users (+ ${STAGES.length * 2} for the limit probes) through the API`);
    const users = await seedUsers(base, 'user', vus, SEED_BLOCK);
    const probeUsers = await seedUsers(base, 'probe', STAGES.length * 2, PROBE_SEED_BLOCK, {
      withContent: false,
    });
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(users));

    // ---- k6, and the limit probes in the middle of each stage
    const summaryFile = join(dir, 'k6-summary.json');
    const apiPort = await freePort();
    log(`k6: stages of ${STAGES.join(', ')} VUs, ${STAGE_S} s each (${GAP_S} s to drain between)`);
    const run = runK6(k6, [
      'run',
      '--no-usage-report',
      '--no-color',
      '--quiet',
      '--address',
      `127.0.0.1:${apiPort}`,
      '--local-ips',
      `${loopback(VU_BLOCK, 0)}-${loopback(VU_BLOCK, vus + 10)}`,
      ...envArgs({
        BASE_URL: base,
        SEED: seedFile,
        STAGES: STAGES.join(','),
        STAGE_SECONDS: String(STAGE_S),
        GAP_SECONDS: String(GAP_S),
        RUN_SHARE: String(RUN_SHARE),
        WATCH_SECONDS: String(WATCH_S),
        LOAD_SUMMARY: summaryFile,
      }),
      join(__dirname, 'mix.k6.js'),
    ]);
    k6Child = run.child;
    const probes = probeDuringStages(base, apiPort, probeUsers, run.done);
    const [code, limitProbes] = await Promise.all([run.exit, probes]);
    if (code !== 0 && code !== 99) throw new Error(`k6 exited with ${code}`); // 99: a p99 over budget

    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    return report(stageFigures(summary, STAGES, STAGE_S), requestKindFigures(summary), limitProbes);
  } finally {
    await cleanUp();
  }
}

const envArgs = (env: Record<string, string>) =>
  Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

function runK6(
  bin: string,
  args: string[],
): { child: ChildProcess; exit: Promise<number>; done: () => boolean } {
  let finished = false;
  const child = spawn(bin, args, {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      K6_NO_USAGE_REPORT: 'true',
    },
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[k6] ${d.toString()}`));
  const exit = new Promise<number>((ok) =>
    child.once('exit', (code) => {
      finished = true;
      ok(code ?? 1);
    }),
  );
  return { child, exit, done: () => finished };
}

/**
 * Probes the login and the per-user limits in the middle of each stage, each from a fresh address
 * and (for the per-user one) a fresh user. The stages' clock starts when k6's API says it runs.
 */
async function probeDuringStages(
  base: string,
  apiPort: number,
  users: Awaited<ReturnType<typeof seedUsers>>,
  k6Done: () => boolean,
): Promise<LimitProbe[]> {
  const out: LimitProbe[] = [];
  for (;;) {
    if (k6Done()) return out;
    const status = await fetch(`http://127.0.0.1:${apiPort}/v1/status`)
      .then((r) => r.json() as Promise<{ data: { attributes: { running: boolean } } }>)
      .catch(() => undefined);
    if (status?.data.attributes.running) break;
    await sleep(200);
  }
  const t0 = Date.now();
  for (const [i] of STAGES.entries()) {
    const at = t0 + (i * (STAGE_S + GAP_S) + STAGE_S / 2) * 1000;
    await sleep(Math.max(0, at - Date.now()));
    if (k6Done()) break;
    const [loginUser, readUser] = users.slice(2 * i, 2 * i + 2);
    if (!loginUser || !readUser) throw new Error(`no probe users seeded for stage ${i}`);
    const [login, perUser] = await Promise.all([
      probeLoginLimit(base, loopback(PROBE_BLOCK, 2 * i), loginUser, LOGIN_LIMIT),
      probeUserLimit(base, loopback(PROBE_BLOCK, 2 * i + 1), readUser, USER_LIMIT),
    ]);
    out.push(
      { ...login, what: `s${i}: ${login.what}` },
      { ...perUser, what: `s${i}: ${perUser.what}` },
    );
  }
  return out;
}

function report(stages: StageFigures[], kinds: RequestKindFigures[], probes: LimitProbe[]): number {
  const holding = stages.filter((s) => s.p99Ms < P99_BUDGET_MS && s.unexpected === 0);
  const best = holding.reduce<StageFigures | undefined>(
    (b, s) => (!b || s.rps > b.rps ? s : b),
    undefined,
  );
  const unexpected = stages.reduce((n, s) => n + s.unexpected, 0);
  const limitsHeld = probes.length === 2 * stages.length && probes.every((p) => p.held);

  console.log(
    `\nnpm run load — the one-machine stack, k6 on loopback, one address and one user per VU` +
      ` (load average ${BACKGROUND_LOAD} on ${cpus().length} cores before it started)\n`,
  );
  const head = [
    'stage',
    'VUs',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'unexpected',
    'runs started',
    `p99 < ${P99_BUDGET_MS} ms, 0 errors`,
  ];
  const rows = stages.map((s) => [
    s.name,
    String(s.vus),
    s.rps.toFixed(1),
    s.p50Ms.toFixed(0),
    s.p95Ms.toFixed(0),
    s.p99Ms.toFixed(0),
    String(s.unexpected),
    String(s.runsStarted),
    s.p99Ms < P99_BUDGET_MS && s.unexpected === 0 ? 'yes' : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const r of [head, ...rows])
    console.log(r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  '));
  console.log('\nby request, over every stage:');
  const kw = Math.max(...kinds.map((k) => k.name.length));
  for (const k of kinds)
    console.log(
      `  ${k.name.padEnd(kw)}  ${String(k.count).padStart(6)} requests  p50 ${k.p50Ms.toFixed(0).padStart(5)} ms  p99 ${k.p99Ms.toFixed(0).padStart(5)} ms`,
    );
  console.log('\nrate limits probed under load:');
  for (const p of probes)
    console.log(
      `  ${p.held ? 'held' : 'BROKEN'}  ${p.what}: ${p.sent} sent, ${p.allowed} passed, ${p.limited} refused with 429${p.wrong.length ? ` — ${p.wrong.slice(0, 3).join('; ')}` : ''}`,
    );
  console.log(
    best
      ? `\nsustained: ${best.rps.toFixed(1)} req/s at ${best.vus} VUs with p99 ${best.p99Ms.toFixed(0)} ms`
      : `\nno stage kept p99 under ${P99_BUDGET_MS} ms with 0 unexpected answers`,
  );
  console.log(
    JSON.stringify({
      sustainedRps: best ? Math.round(best.rps * 10) / 10 : 0,
      p99Ms: best ? Math.round(best.p99Ms) : null,
      sustainedVus: best?.vus ?? 0,
      unexpected,
      rateLimitsHeld: limitsHeld,
      limitProbes: probes.length,
      loadAverageBefore: BACKGROUND_LOAD,
      cores: cpus().length,
      stages: stages.map((s) => ({
        vus: s.vus,
        rps: Math.round(s.rps * 10) / 10,
        p99Ms: Math.round(s.p99Ms),
        unexpected: s.unexpected,
      })),
    }),
  );
  const checks: Check[] = [
    ...stages.map((s) => ({
      name: `${s.name} (${s.vus} VUs): requests made, no answer other than expected`,
      ok: s.requests > 0 && s.unexpected === 0,
    })),
    ...probes.map((p) => ({ name: p.what, ok: p.held })),
    { name: 'both limits probed at every stage', ok: probes.length === 2 * stages.length },
  ];
  writeChecksFile('load', checks);
  for (const c of checks.filter((c) => !c.ok)) log(`FAILED: ${c.name}`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
