/*
 * npm run bench:identity — authenticated GET /api/auth/me against a bare NestJS endpoint, both on
 * Express, each server in its own process, measured in the same run by the same closed-loop load
 * generator (keep-alive, fixed concurrency). Login throughput is reported separately: argon2id is
 * meant to be slow. Provisions Redis, NATS and the embedded Postgres like the tests do.
 */
import { freePort, startTestInfra } from '@postmagiq/platform/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../..');
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 8000);
const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 2000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);

interface Result {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

function startServer(kind: 'identity' | 'bare', env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'server.ts'), kind], {
    cwd: repoRoot,
    env: { ...process.env, ...env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return new Promise((ok, fail) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      // the identity server logs JSON lines too; ours is the one with only a port
      for (const line of buf.split('\n')) {
        if (/^\{"port":\d+\}$/.test(line.trim())) {
          child.stdout?.off('data', onData);
          child.stdout?.resume(); // keep draining access logs
          ok({ port: (JSON.parse(line) as { port: number }).port, child });
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${kind} server exited with ${code}\n${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

function call(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', fail);
    if (body) req.write(body);
    req.end();
  });
}

/** Closed loop: CONCURRENCY workers each send the next request when the previous answers. */
async function load(port: number, make: () => { method: string; path: string; headers: Record<string, string>; body?: string }, durationMs: number, concurrency: number, expect = 200): Promise<Result> {
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
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), requests: latencies.length, errors };
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  process.stdout.write('provisioning Redis, NATS and the embedded Postgres…\n');
  const infra = await startTestInfra();
  const dataDir = mkdtempSync(join(tmpdir(), 'pmq-bench-identity-'));
  const children: ChildProcess[] = [];
  try {
    const port = await freePort();
    const identity = await startServer('identity', {
      ...infra.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      // limits stay enforced (the Lua script runs on every request) but high enough not to trip
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000000',
    });
    children.push(identity.child);
    const agent = new Agent({ keepAlive: true });
    const creds = { email: 'bench@example.com', password: 'benchmark password', name: 'Bench' };
    const reg = await call(agent, port, 'POST', '/api/auth/register', {}, JSON.stringify(creds));
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.body}`);
    const token = (JSON.parse(reg.body) as { accessToken: string }).accessToken;
    agent.destroy();

    const me = () => ({ method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    await load(identity.port, me, WARMUP_MS, CONCURRENCY);
    const meResult = await load(identity.port, me, DURATION_MS, CONCURRENCY);
    const loginBody = JSON.stringify({ email: creds.email, password: creds.password });
    const login = () => ({ method: 'POST', path: '/api/auth/login', headers: {}, body: loginBody });
    const loginResult = await load(identity.port, login, Math.min(DURATION_MS, 5000), 4);
    await stop(identity.child);

    const bare = await startServer('bare', {});
    children.push(bare.child);
    const hello = () => ({ method: 'GET', path: '/bare', headers: {} });
    await load(bare.port, hello, WARMUP_MS, CONCURRENCY);
    const bareResult = await load(bare.port, hello, DURATION_MS, CONCURRENCY);
    await stop(bare.child);

    const rows = [
      ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors'],
      ['GET /api/auth/me (identity, authenticated)', meResult],
      ['GET /bare (NestJS + Express, nothing else)', bareResult],
      ['POST /api/auth/login (argon2id, 4 clients)', loginResult],
    ].map((r) => (Array.isArray(r) && typeof r[1] === 'object' ? [r[0] as string, round((r[1] as Result).rps, 0), round((r[1] as Result).p50), round((r[1] as Result).p99), (r[1] as Result).requests, (r[1] as Result).errors] : r) as (string | number)[]);
    const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
    process.stdout.write(`\nidentity benchmark: ${CONCURRENCY} keep-alive clients, ${DURATION_MS} ms per endpoint after ${WARMUP_MS} ms warm-up\n\n`);
    for (const r of rows) process.stdout.write(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0))).join('  ') + '\n');
    const figures = {
      meRps: round(meResult.rps, 1),
      meP99Ms: round(meResult.p99),
      bareRps: round(bareResult.rps, 1),
      bareP99Ms: round(bareResult.p99),
      ratio: round(bareResult.rps / meResult.rps, 3),
      loginRps: round(loginResult.rps, 1),
      loginP99Ms: round(loginResult.p99),
      errors: meResult.errors + bareResult.errors + loginResult.errors,
    };
    process.stdout.write(`\nratio bareRps / meRps = ${figures.ratio} (target ≤ 1.5)\n`);
    process.stdout.write(JSON.stringify(figures) + '\n');
  } finally {
    await Promise.all(children.map(stop));
    await infra.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
