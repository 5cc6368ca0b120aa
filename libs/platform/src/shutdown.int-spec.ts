import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, Managed, startNats, startRedis } from './testing/processes';

const repoRoot = resolve(__dirname, '../../..');

/**
 * SIGTERM stops a service gracefully, and still stops it when a dependency is gone: a BullMQ
 * worker closing against a dead Redis waits forever, so past SHUTDOWN_TIMEOUT_MS the process exits
 * anyway and says why.
 */
describe('shutdown (a platform app with a BullMQ worker, real Redis and NATS)', () => {
  let nats: Managed;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    nats = await startNats();
  }, 30_000);
  afterAll(async () => {
    // a test that failed may leave its app running
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await nats?.stop();
  });

  async function start(redisUrl: string): Promise<{ child: ChildProcess; output: () => string }> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'testing/queue-app.main.ts')],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env['PATH'] ?? '',
          SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json'),
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          REDIS_URL: redisUrl,
          NATS_URL: nats.url,
          DATABASE_URL: 'postgres://127.0.0.1:1/unused',
          PORT: String(await freePort()),
          SHUTDOWN_TIMEOUT_MS: '1500',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('ready')) {
      if (child.exitCode !== null) throw new Error(`the app exited while starting:\n${out}`);
      if (Date.now() > deadline) throw new Error(`the app did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, output: () => out };
  }

  function exit(
    child: ChildProcess,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const t0 = Date.now();
    return new Promise((ok) =>
      child.once('exit', (code, signal) => ok({ code, signal, ms: Date.now() - t0 })),
    );
  }

  it('stops at once on SIGTERM when its dependencies answer', async () => {
    const redis = await startRedis();
    try {
      const { child } = await start(redis.url);
      const exited = exit(child);
      child.kill('SIGTERM');
      const { code, signal, ms } = await exited;
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      expect(ms).toBeLessThan(1500);
    } finally {
      await redis.stop();
    }
  }, 90_000);

  it('exits past SHUTDOWN_TIMEOUT_MS, saying so, when Redis is gone', async () => {
    const redis = await startRedis();
    const { child, output } = await start(redis.url);
    await redis.stop();
    const exited = exit(child);
    child.kill('SIGTERM');
    const { code } = await exited;
    expect(code).toBe(1);
    expect(output()).toContain(
      'SIGTERM: shutdown did not finish within 1500 ms (SHUTDOWN_TIMEOUT_MS); exiting',
    );
  }, 90_000);
});
