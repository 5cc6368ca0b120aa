/*
 * npm run bench:identity — authenticated GET /api/auth/me against a bare NestJS endpoint, both on
 * Express, each server in its own process, measured in the same run by the same closed-loop load
 * generator (keep-alive, fixed concurrency). Login throughput is reported separately: argon2id is
 * meant to be slow. Provisions Redis, NATS and the embedded Postgres like the tests do.
 *
 * A third server, `floor` (floor-app.ts), does by hand only the per-request work the issue requires
 * (request context, token check from a verified-token cache, the platform's one Redis script for
 * rate limits and revocation, the same /auth/me body, the duration histogram and one JSON access
 * line): `floorRatio` = bareRps / floorRps is what the requirements alone cost, so the distance
 * from `ratio` to it is what the platform's machinery adds.
 *
 * Fairness on a shared, noisy machine:
 * - both servers are spawned the same way (same node flags, same environment, stdout to a log file
 *   rather than through this process, readiness over IPC) and run side by side for the whole
 *   measurement; only the one under load does work;
 * - after a warm-up of each, BENCH_ROUNDS rounds of BENCH_ROUND_MS each, the order of the sides
 *   turning every round; a side's figures are its median round, so noise from other jobs hits both
 *   alike and one unlucky round does not decide the result;
 * - the identity server keeps every platform layer on, at LOG_LEVEL=info: the run checks that its
 *   log file holds one access line per /auth/me request with request id and workspace id.
 * Each round also reads the server's CPU time from /proc: CPU µs per request is a diagnostic much
 * less sensitive to other jobs than req/s (the figures in the last line stay the req/s medians).
 * Redis's and this load generator's CPU per request are printed too: both run beside the server on
 * a 2-core machine, so they show whether the server is the one that is saturated.
 *
 * BENCH_CPU_PROF=<dir> starts both servers with `node --cpu-prof --cpu-prof-dir=<dir>`
 * (profiles are written when the servers stop); `profile-top.ts` summarises them. BENCH_NODE_ARGS
 * adds node flags to both servers alike (e.g. `--heap-prof --heap-prof-dir=/tmp/hp`).
 */
import { freePort, startTestInfra } from '@postmagiq/platform/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { firstMessage, stopOverIpc } from '../ipc-child';

const repoRoot = resolve(__dirname, '../../..');
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 8);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 3000);
const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 5000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const LOGIN_MS = Number(process.env['BENCH_LOGIN_MS'] ?? 5000);
const CPU_PROF_DIR = process.env['BENCH_CPU_PROF'];
/** Extra node flags for both servers alike (diagnostics such as --heap-prof or --trace-gc). */
const NODE_ARGS = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

interface Result {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  /** CPU time (user + system, all threads) the server spent per request during the round, in µs. */
  cpuUs?: number;
  /** CPU time Redis spent per request during the round, in µs (the gate's script runs there). */
  redisCpuUs?: number;
  /** CPU time this load generator spent per request during the round, in µs. */
  clientCpuUs?: number;
}

/** User + system CPU time of a process (all its threads) in µs, from /proc; undefined elsewhere. */
function cpuTimeUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime in clock ticks (USER_HZ = 100 on Linux)
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return undefined;
  }
}

/** One measured round against a server, with the CPU time it, Redis (`redisPid`) and this process spent. */
async function measure(
  server: Server,
  make: Parameters<typeof load>[1],
  redisPid: number | undefined,
): Promise<Result> {
  const before = cpuTimeUs(server.child.pid);
  const redisBefore = cpuTimeUs(redisPid);
  const clientBefore = process.cpuUsage();
  const r = await load(server.port, make, ROUND_MS, CONCURRENCY);
  const client = process.cpuUsage(clientBefore);
  const after = cpuTimeUs(server.child.pid);
  const redisAfter = cpuTimeUs(redisPid);
  if (r.requests > 0) {
    if (before !== undefined && after !== undefined) r.cpuUs = (after - before) / r.requests;
    if (redisBefore !== undefined && redisAfter !== undefined)
      r.redisCpuUs = (redisAfter - redisBefore) / r.requests;
    r.clientCpuUs = (client.user + client.system) / r.requests;
  }
  return r;
}

interface Server {
  kind: string;
  port: number;
  child: ChildProcess;
  logFile: string;
}

function startServer(
  kind: 'identity' | 'bare' | 'floor',
  env: Record<string, string>,
  logDir: string,
): Promise<Server> {
  const logFile = join(logDir, `${kind}.log`);
  const out = openSync(logFile, 'w');
  const nodeArgs = [
    '-r',
    '@swc-node/register',
    ...(CPU_PROF_DIR
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${resolve(CPU_PROF_DIR)}`,
          `--cpu-prof-name=${kind}.cpuprofile`,
        ]
      : []),
    ...NODE_ARGS,
  ];
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, 'server.ts'), kind], {
    cwd: repoRoot,
    env: { ...process.env, ...env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') },
    stdio: ['ignore', out, 'pipe', 'ipc'],
  });
  closeSync(out);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return firstMessage<{ port: number }>(child, `${kind} server`, () => err).then((m) => ({
    kind,
    port: m.port,
    child,
    logFile,
  }));
}

function call(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: body
          ? {
              ...headers,
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
            }
          : headers,
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', fail);
    if (body) req.write(body);
    req.end();
  });
}

/** Closed loop: CONCURRENCY workers each send the next request when the previous answers. */
async function load(
  port: number,
  make: () => { method: string; path: string; headers: Record<string, string>; body?: string },
  durationMs: number,
  concurrency: number,
  expect = 200,
): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + durationMs;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const r = make();
        const t0 = process.hrtime.bigint();
        try {
          const res = await call(agent, port, r.method, r.path, r.headers, r.body);
          if (res.status !== expect) errors++;
        } catch {
          errors++;
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    rps: latencies.length / elapsed,
    p50: pct(0.5),
    p99: pct(0.99),
    requests: latencies.length,
    errors,
  };
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0
    ? 0
    : s.length % 2
      ? (s[mid] as number)
      : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A side's figures: median req/s, p50 and p99 over its rounds; requests and errors summed. */
function summarise(rounds: Result[]): Result {
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    ...(rounds.every((r) => r.cpuUs !== undefined)
      ? { cpuUs: median(rounds.map((r) => r.cpuUs as number)) }
      : {}),
  };
}

/** Access-log lines of GET /api/auth/me in the identity server's log, and how many carry both ids. */
function countAccessLines(logFile: string): { lines: number; withIds: number } {
  let lines = 0;
  let withIds = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"/api/auth/me"')) continue;
    try {
      const entry = JSON.parse(line) as {
        req?: { url?: string };
        requestId?: string;
        workspaceId?: string;
      };
      if (entry.req?.url !== '/api/auth/me') continue;
      lines++;
      if (entry.requestId && entry.workspaceId) withIds++;
    } catch {
      // a partial line at the end of the file
    }
  }
  return { lines, withIds };
}

async function main(): Promise<void> {
  process.stdout.write('provisioning Redis, NATS and the embedded Postgres…\n');
  const infra = await startTestInfra();
  const dataDir = mkdtempSync(join(tmpdir(), 'pmq-bench-identity-'));
  const children: ChildProcess[] = [];
  try {
    // the same environment for both (the bare server ignores it)
    const env = {
      ...infra.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      // limits stay enforced (the Lua script runs on every request) but high enough not to trip
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000000',
    };
    const [identityPort, barePort] = [await freePort(), await freePort()];
    const [identity, bare] = await Promise.all([
      startServer('identity', { ...env, PORT: String(identityPort) }, dataDir),
      startServer('bare', { ...env, PORT: String(barePort) }, dataDir),
    ]);
    children.push(identity.child, bare.child);

    const agent = new Agent({ keepAlive: true });
    const creds = { email: 'bench@example.com', password: 'benchmark password', name: 'Bench' };
    const reg = await call(
      agent,
      identity.port,
      'POST',
      '/api/auth/register',
      {},
      JSON.stringify(creds),
    );
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.body}`);
    const token = (JSON.parse(reg.body) as { accessToken: string }).accessToken;
    agent.destroy();

    // the floor answers the very body identity answers for this token
    const meAgent = new Agent({ keepAlive: true });
    const meAnswer = await call(meAgent, identity.port, 'GET', '/api/auth/me', {
      authorization: `Bearer ${token}`,
    });
    meAgent.destroy();
    if (meAnswer.status !== 200)
      throw new Error(`GET /api/auth/me failed: ${meAnswer.status} ${meAnswer.body}`);
    const floor = await startServer(
      'floor',
      {
        ...env,
        PORT: String(await freePort()),
        IDENTITY_JWKS_URL: `http://127.0.0.1:${identity.port}/api/auth/.well-known/jwks.json`,
        BENCH_ME_BODY: meAnswer.body,
      },
      dataDir,
    );
    children.push(floor.child);

    const me = () => ({
      method: 'GET',
      path: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    const hello = () => ({ method: 'GET', path: '/bare', headers: {} });
    const floorMe = () => ({
      method: 'GET',
      path: '/floor/me',
      headers: { authorization: `Bearer ${token}` },
    });
    const floorCheck = await load(floor.port, floorMe, 200, 1);
    if (floorCheck.errors > 0)
      throw new Error('the floor server does not answer GET /floor/me with 200');
    await load(identity.port, me, WARMUP_MS, CONCURRENCY);
    await load(bare.port, hello, WARMUP_MS, CONCURRENCY);
    await load(floor.port, floorMe, WARMUP_MS, CONCURRENCY);

    const meRounds: Result[] = [];
    const bareRounds: Result[] = [];
    const floorRounds: Result[] = [];
    const sides = {
      me: () => measure(identity, me, infra.pids.redis).then((r) => meRounds.push(r)),
      bare: () => measure(bare, hello, infra.pids.redis).then((r) => bareRounds.push(r)),
      floor: () => measure(floor, floorMe, infra.pids.redis).then((r) => floorRounds.push(r)),
    };
    const orders = [
      ['me', 'bare', 'floor'],
      ['floor', 'bare', 'me'],
      ['bare', 'floor', 'me'],
    ] as const;
    for (let r = 0; r < ROUNDS; r++) {
      // the order turns each round: no side always goes first or last
      for (const side of orders[r % orders.length] ?? orders[0]) await sides[side]();
    }
    const meResult = summarise(meRounds);
    const bareResult = summarise(bareRounds);
    const floorResult = summarise(floorRounds);
    const pairedRatio = median(meRounds.map((m, i) => (bareRounds[i]?.rps ?? 0) / m.rps));

    const loginBody = JSON.stringify({ email: creds.email, password: creds.password });
    const login = () => ({ method: 'POST', path: '/api/auth/login', headers: {}, body: loginBody });
    const loginResult = await load(identity.port, login, LOGIN_MS, 4);

    await Promise.all([
      stopOverIpc(identity.child),
      stopOverIpc(bare.child),
      stopOverIpc(floor.child),
    ]);
    const access = countAccessLines(identity.logFile);

    const rows = [
      ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors'],
      ['GET /api/auth/me (identity, authenticated)', meResult],
      ['GET /bare (NestJS + Express, nothing else)', bareResult],
      ['GET /floor/me (the required work by hand, floor-app.ts)', floorResult],
      ['POST /api/auth/login (argon2id, 4 clients)', loginResult],
    ].map(
      (r) =>
        (Array.isArray(r) && typeof r[1] === 'object'
          ? [
              r[0] as string,
              round((r[1] as Result).rps, 0),
              round((r[1] as Result).p50),
              round((r[1] as Result).p99),
              (r[1] as Result).requests,
              (r[1] as Result).errors,
            ]
          : r) as (string | number)[],
    );
    const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
    process.stdout.write(
      `\nidentity benchmark: ${CONCURRENCY} keep-alive clients; after ${WARMUP_MS} ms warm-up each, ${ROUNDS} alternating rounds of ${ROUND_MS} ms per endpoint (medians); login ${LOGIN_MS} ms\n\n`,
    );
    for (const r of rows)
      process.stdout.write(
        r
          .map((c, i) =>
            i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0),
          )
          .join('  ') + '\n',
      );
    process.stdout.write(
      `\nper round req/s  me: ${meRounds.map((r) => round(r.rps, 0)).join(' ')}  bare: ${bareRounds.map((r) => round(r.rps, 0)).join(' ')}  floor: ${floorRounds.map((r) => round(r.rps, 0)).join(' ')}\n`,
    );
    if (meResult.cpuUs !== undefined && bareResult.cpuUs !== undefined) {
      const per = (rs: Result[]) => rs.map((r) => round(r.cpuUs ?? 0, 0)).join(' ');
      process.stdout.write(
        `server CPU µs per request  me: ${per(meRounds)}  bare: ${per(bareRounds)}  floor: ${per(floorRounds)} (medians ${round(meResult.cpuUs, 0)}, ${round(bareResult.cpuUs, 0)}, ${round(floorResult.cpuUs ?? 0, 0)})\n`,
      );
      const med = (rs: Result[], k: 'redisCpuUs' | 'clientCpuUs') =>
        round(median(rs.map((r) => r[k] ?? 0)), 0);
      process.stdout.write(
        `Redis CPU µs per request  me: ${med(meRounds, 'redisCpuUs')}  bare: ${med(bareRounds, 'redisCpuUs')}  floor: ${med(floorRounds, 'redisCpuUs')}; load generator  me: ${med(meRounds, 'clientCpuUs')}  bare: ${med(bareRounds, 'clientCpuUs')}  floor: ${med(floorRounds, 'clientCpuUs')}\n`,
      );
    }
    process.stdout.write(
      `access log: ${access.lines} lines for /api/auth/me (${access.withIds} with request id and workspace id)\n`,
    );
    const figures = {
      meRps: round(meResult.rps, 1),
      meP99Ms: round(meResult.p99),
      bareRps: round(bareResult.rps, 1),
      bareP99Ms: round(bareResult.p99),
      ratio: round(bareResult.rps / meResult.rps, 3),
      pairedRatio: round(pairedRatio, 3),
      ...(meResult.cpuUs !== undefined && bareResult.cpuUs !== undefined
        ? { meCpuUsPerReq: round(meResult.cpuUs, 0), bareCpuUsPerReq: round(bareResult.cpuUs, 0) }
        : {}),
      floorRps: round(floorResult.rps, 1),
      floorP99Ms: round(floorResult.p99),
      /** what the required work alone costs against bare: the lowest ratio the target could see */
      floorRatio: round(bareResult.rps / floorResult.rps, 3),
      ...(floorResult.cpuUs !== undefined ? { floorCpuUsPerReq: round(floorResult.cpuUs, 0) } : {}),
      loginRps: round(loginResult.rps, 1),
      loginP99Ms: round(loginResult.p99),
      errors:
        meRounds.concat(bareRounds, floorRounds).reduce((n, r) => n + r.errors, 0) +
        loginResult.errors,
    };
    process.stdout.write(
      `\nratio bareRps / meRps = ${figures.ratio} (target ≤ 1.5); median of per-round ratios ${figures.pairedRatio}; the floor's bareRps / floorRps = ${figures.floorRatio}\n`,
    );
    process.stdout.write(JSON.stringify(figures) + '\n');
  } finally {
    await Promise.all(children.map((c) => stopOverIpc(c)));
    await infra.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
