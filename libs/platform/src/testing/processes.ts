import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export function waitForPort(port: number, timeoutMs = 15_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((ok, fail) => {
    const attempt = () => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        ok();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          fail(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
      socket.connect(port, host);
    };
    attempt();
  });
}

export function findBinary(name: string, candidates: string[]): string {
  for (const c of candidates) if (existsSync(c)) return c;
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(
    `${name} is not installed (looked in ${candidates.join(', ')} and PATH); install it, e.g. apt-get install ${name}`,
  );
}

export interface Managed {
  url: string;
  /** the process serving it (for its CPU time or memory in benchmarks); undefined once it failed to spawn */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Asks a child to stop (SIGTERM unless `ask` says otherwise, e.g. an IPC message) and resolves when
 * it has exited; SIGKILL after `timeoutMs`.
 */
export function stopChild(
  child: ChildProcess,
  timeoutMs = 5000,
  ask: (child: ChildProcess) => void = (c) => c.kill('SIGTERM'),
): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    ask(child);
  });
}

function tail(child: ChildProcess): () => string {
  let out = '';
  const add = (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => out;
}

/** redis-server on a free loopback port, data in a temp dir, no persistence. */
export async function startRedis(): Promise<Managed> {
  const bin = findBinary('redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pmq-redis-'));
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = tail(child);
  try {
    await waitForPort(port);
  } catch (e) {
    await stopChild(child);
    throw new Error(`redis-server did not start: ${(e as Error).message}\n${output()}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nats-server with JetStream on a free loopback port, store in a temp dir. */
export async function startNats(): Promise<Managed> {
  const bin = findBinary('nats-server', [
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ]);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pmq-nats-'));
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  try {
    await waitForPort(port);
  } catch (e) {
    await stopChild(child);
    throw new Error(`nats-server did not start: ${(e as Error).message}\n${output()}`);
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const repoRoot = resolve(__dirname, '../../../..');

/**
 * The embedded Postgres in a child process (the same code `npm start` runs in-process), in memory
 * unless a data dir is given.
 */
export async function startEmbeddedPostgresProcess(dataDir?: string): Promise<Managed> {
  const entry = resolve(__dirname, '../database/embedded-postgres.main.ts');
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', entry, ...(dataDir ? [dataDir] : [])],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') },
    },
  );
  const output = tail(child);
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    const timer = setTimeout(
      () => fail(new Error(`embedded postgres did not start in 60 s\n${output()}`)),
      60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        ok((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`embedded postgres exited with ${code}\n${output()}`));
    });
  });
  return { url, pid: child.pid, stop: () => stopChild(child, 10_000) };
}

export interface TestInfra {
  redisUrl: string;
  natsUrl: string;
  databaseUrl: string;
  /** The processes serving them. */
  pids: { redis: number | undefined; nats: number | undefined; postgres: number | undefined };
  /** Environment for a service under test pointing at this infrastructure. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Real Redis, NATS (JetStream) and the embedded Postgres, started in parallel. */
export async function startTestInfra(): Promise<TestInfra> {
  const results = await Promise.allSettled([
    startRedis(),
    startNats(),
    startEmbeddedPostgresProcess(),
  ]);
  const started = results
    .filter((r): r is PromiseFulfilledResult<Managed> => r.status === 'fulfilled')
    .map((r) => r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.stop()));
    throw failed.reason;
  }
  const [redis, nats, pg] = started as [Managed, Managed, Managed];
  return {
    redisUrl: redis.url,
    natsUrl: nats.url,
    databaseUrl: pg.url,
    pids: { redis: redis.pid, nats: nats.pid, postgres: pg.pid },
    env: { REDIS_URL: redis.url, NATS_URL: nats.url, DATABASE_URL: pg.url },
    async stop() {
      await Promise.all([redis.stop(), nats.stop(), pg.stop()]);
    },
  };
}
