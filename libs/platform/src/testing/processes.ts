import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { goTool } from './go-tools';

const repoRoot = resolve(__dirname, '../../../..');

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

/**
 * An infrastructure server the kit started (Redis, NATS, the embedded Postgres), bound to one port
 * and one data folder for its whole life, so it can be stopped or crashed and started again where
 * it was: what the restart tests and the chaos run do to it.
 */
export interface RestartableServer extends Managed {
  /**
   * Ends the process with `signal` (SIGTERM: its own clean shutdown; SIGKILL: a crash), leaves it
   * down for `downMs`, and starts it again on the same port with the same data; resolves when it
   * accepts connections again.
   */
  restart(signal?: NodeJS.Signals, downMs?: number): Promise<void>;
}

class ServerProcess implements RestartableServer {
  private child?: ChildProcess;

  constructor(
    private readonly name: string,
    readonly url: string,
    private readonly launch: () => ChildProcess,
    /** Resolves once the freshly launched child serves; `output` is its last output. */
    private readonly ready: (child: ChildProcess, output: () => string) => Promise<void>,
    private readonly cleanup: () => void = () => undefined,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const child = this.launch();
    this.child = child;
    const output = tail(child);
    try {
      await this.ready(child, output);
    } catch (e) {
      await stopChild(child);
      throw new Error(`${this.name} did not start: ${(e as Error).message}\n${output()}`);
    }
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM', downMs = 0): Promise<void> {
    if (this.child) await stopChild(this.child, 10_000, (c) => c.kill(signal));
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 10_000);
    this.cleanup();
  }
}

/** Starts `server`, removing what it leaves behind when it cannot start. */
async function started(server: ServerProcess): Promise<ServerProcess> {
  try {
    await server.start();
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** Ready when `port` accepts connections; fails as soon as the child exits instead. */
const portReady = (port: number) => (child: ChildProcess) =>
  Promise.race([
    waitForPort(port),
    new Promise<never>((_, fail) =>
      child.once('exit', (code, signal) => fail(new Error(`exited with ${code ?? signal}`))),
    ),
  ]);

export interface RedisOptions {
  /**
   * Append-only file on (fsync every second), as `npm start` and the chart run Redis, so a restart
   * keeps the queues; off by default (tests do not restart it).
   */
  appendOnly?: boolean;
}

/** redis-server on a free loopback port, data in a temp dir, `noeviction` (BullMQ's requirement). */
export async function startRedis(options: RedisOptions = {}): Promise<RestartableServer> {
  const bin = findBinary('redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pmq-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', options.appendOnly ? 'yes' : 'no', '--maxmemory-policy', 'noeviction');
  return started(
    new ServerProcess(
      'redis-server',
      `redis://127.0.0.1:${port}`,
      () => spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }),
      portReady(port),
      () => rmSync(dir, { recursive: true, force: true }),
    ),
  );
}

/** The NATS configuration `npm start` runs too: JetStream on file storage, fsync on every write. */
export const NATS_SERVER_CONF = join(repoRoot, 'tools/start/nats-server.conf');

export interface NatsServer extends RestartableServer {
  /** The server's monitoring endpoint (`/varz`, `/jsz`), on its own loopback port. */
  monitorUrl: string;
}

/**
 * nats-server as `npm start` runs it — the current server built by tools/setup/go-tools.sh, from
 * tools/start/nats-server.conf (JetStream, file store, `sync_interval: always`) — on a free
 * loopback port, store in a temp dir.
 */
export async function startNats(): Promise<NatsServer> {
  const bin = goTool('nats-server');
  const [port, monitorPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'pmq-nats-'));
  const env = {
    ...process.env,
    NATS_LISTEN: `127.0.0.1:${port}`,
    NATS_STORE_DIR: dir,
    NATS_PID_FILE: join(dir, 'nats-server.pid'),
  };
  const server = await started(
    new ServerProcess(
      'nats-server',
      `nats://127.0.0.1:${port}`,
      () =>
        spawn(bin, ['-c', NATS_SERVER_CONF, '-m', String(monitorPort)], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      portReady(port),
      () => rmSync(dir, { recursive: true, force: true }),
    ),
  );
  return Object.assign(server, { monitorUrl: `http://127.0.0.1:${monitorPort}` });
}

/**
 * The embedded Postgres in a child process (the same code `npm start` runs in-process), in memory
 * unless a data dir is given (a restart keeps the data only then).
 */
export async function startEmbeddedPostgresProcess(dataDir?: string): Promise<RestartableServer> {
  const entry = resolve(__dirname, '../database/embedded-postgres.main.ts');
  const port = await freePort();
  const env = {
    ...process.env,
    SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json'),
    PG_PORT: String(port),
  };
  // ready when it prints its JSON line: the vector extension is created by then
  const printsUrl = (child: ChildProcess) =>
    new Promise<void>((ok, fail) => {
      let buf = '';
      const timer = setTimeout(() => fail(new Error('not ready in 60 s')), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.split('\n').some((l) => l.startsWith('{'))) {
          clearTimeout(timer);
          ok();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`exited with ${code}`));
      });
    });
  return started(
    new ServerProcess(
      'embedded postgres',
      `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      () =>
        spawn(
          process.execPath,
          ['-r', '@swc-node/register', entry, ...(dataDir ? [dataDir] : [])],
          {
            cwd: repoRoot,
            stdio: ['ignore', 'pipe', 'pipe'],
            env,
          },
        ),
      printsUrl,
    ),
  );
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
    .filter((r): r is PromiseFulfilledResult<RestartableServer> => r.status === 'fulfilled')
    .map((r) => r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.stop()));
    throw failed.reason;
  }
  const [redis, nats, pg] = started as [RestartableServer, RestartableServer, RestartableServer];
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
