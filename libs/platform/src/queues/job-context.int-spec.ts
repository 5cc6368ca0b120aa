import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { RequestContext, RequestContextData } from '../context/request-context';
import { redisConnectionOptions } from '../redis/redis';
import { Managed, startRedis } from '../testing/processes';
import { runInJobContext, withJobContext, WithContext } from './job-context';

/** A job's worker continues the trail of the request that enqueued it (logs, NATS headers). */
describe('request context through BullMQ job data (real Redis)', () => {
  let redis: Managed;
  let queue: Queue;
  let events: QueueEvents;
  let worker: Worker;

  beforeAll(async () => {
    redis = await startRedis();
    const connection = { ...redisConnectionOptions(redis.url), maxRetriesPerRequest: null };
    const name = `ctx-${randomUUID().slice(0, 8)}`;
    queue = new Queue(name, { connection, prefix: 'pmq-test' });
    events = new QueueEvents(name, { connection, prefix: 'pmq-test' });
    worker = new Worker(
      name,
      (job: Job<WithContext<{ n: number }>>) =>
        runInJobContext(job, async () => ({ n: job.data.n, ctx: RequestContext.get() ?? null })),
      { connection, prefix: 'pmq-test' },
    );
    await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([worker?.close(), events?.close(), queue?.close()]);
    await redis?.stop();
  });

  const processed = async (job: Job) =>
    (await job.waitUntilFinished(events, 10_000)) as { n: number; ctx: RequestContextData | null };

  it('runs the job inside the context of the request that enqueued it', async () => {
    const ctx: RequestContextData = {
      requestId: randomUUID(),
      workspaceId: randomUUID(),
      userId: randomUUID(),
    };
    const job = await RequestContext.run(ctx, () =>
      queue.add('with-context', withJobContext({ n: 1 })),
    );
    expect(job.data._ctx).toEqual(ctx);
    expect(await processed(job)).toEqual({ n: 1, ctx });
  });

  it('gives a job enqueued outside any request a fresh request id, and no workspace', async () => {
    const job = await queue.add('without-context', withJobContext({ n: 2 }));
    expect(job.data).toEqual({ n: 2 });
    const { ctx } = await processed(job);
    expect(ctx?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx?.workspaceId).toBeUndefined();
  });
});
