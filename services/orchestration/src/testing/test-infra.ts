import { Managed, startNats, startRedis, TestInfra } from '@postmagiq/platform/testing';
import { resolve } from 'node:path';
import { spawnService } from './processes';

/**
 * Real Redis, NATS (JetStream) and the embedded Postgres, like the platform's startTestInfra, but
 * with the batch-safe Postgres server (see batch-safe-embedded-postgres.ts for the bug it avoids).
 */
export async function startOrchestrationTestInfra(): Promise<TestInfra> {
  const results = await Promise.allSettled([
    startRedis(),
    startNats(),
    spawnService(
      resolve(__dirname, 'batch-safe-embedded-postgres.main.ts'),
      {},
      'url',
      60_000,
    ).then((p): Managed => ({ url: String(p.ready['url']), stop: () => p.kill('SIGTERM') })),
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
    env: { REDIS_URL: redis.url, NATS_URL: nats.url, DATABASE_URL: pg.url },
    async stop() {
      await Promise.all([redis.stop(), nats.stop(), pg.stop()]);
    },
  };
}
