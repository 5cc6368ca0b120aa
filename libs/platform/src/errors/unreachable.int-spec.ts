import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import {
  startEmbeddedPostgresProcess,
  startRedis,
  type RestartableServer,
} from '../testing/processes';
import { toProblem } from './problem';

/**
 * While Postgres or Redis is away (restarting, say), what the clients throw is answered 503 with
 * Retry-After, not 500: these are the errors the real drivers throw, not hand-made look-alikes.
 */
describe('a backing service that is away answers 503', () => {
  let pg: RestartableServer;
  let redis: RestartableServer;
  beforeAll(async () => {
    [pg, redis] = await Promise.all([startEmbeddedPostgresProcess(), startRedis()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pg?.stop(), redis?.stop()]);
  });

  const thrown = async (work: () => Promise<unknown>): Promise<unknown> =>
    work().then(
      () => new Error('did not throw'),
      (e: unknown) => e,
    );

  it('Postgres through TypeORM: a dropped connection, then a refused one', async () => {
    const db = new DataSource({ type: 'postgres', url: pg.url, poolSize: 1 });
    await db.initialize();
    try {
      await db.query('SELECT 1');
      await pg.stop();
      const dropped = await thrown(() => db.query('SELECT 1'));
      const refused = await thrown(() => db.query('SELECT 1'));
      for (const e of [dropped, refused]) {
        const { problem, headers } = toProblem(e);
        expect({ status: problem.status, retryAfter: headers['Retry-After'] }).toEqual({
          status: 503,
          retryAfter: '2',
        });
      }
    } finally {
      await db.destroy().catch(() => undefined);
    }
  }, 60_000);

  it('Redis through ioredis: a request that ran out of retries', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    try {
      await client.ping();
      await redis.stop();
      const e = await thrown(() => client.get('k'));
      expect(toProblem(e).problem.status).toBe(503);
    } finally {
      client.disconnect();
    }
  }, 30_000);

  it('anything else stays a 500 that says nothing', () => {
    expect(toProblem(new Error('Connection terminated by the user code')).problem.status).toBe(500);
    expect(toProblem(new TypeError('x is undefined')).problem).not.toHaveProperty('detail');
  });
});
