import { AgentJobResultSchema } from '@postmagiq/contracts';
import type { Job } from 'bullmq';
import {
  makeAgentJob,
  redisDb,
  spawnWorker,
  startHarness,
  usageEventsFor,
  type Harness,
  type WorkerProcess,
} from './testing/worker-harness';
import { waitFor } from '@postmagiq/platform/testing';

jest.setTimeout(120_000);

/**
 * Worker processes as a deployment runs them, killed and stopped for real. Each test uses its own
 * Redis database, so its queue sees only its own workers.
 */
describe('agent worker processes (spawned, real Redis and NATS)', () => {
  let h: Harness;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await w.exited;
    }
  });

  afterAll(async () => {
    await h?.stop();
  });

  function worker(db: number, env: Record<string, string> = {}): WorkerProcess {
    const w = spawnWorker({
      REDIS_URL: redisDb(h.redisUrl, db),
      NATS_URL: h.natsUrl,
      AGENT_BACKEND: 'simulated',
      AGENT_CONCURRENCY: '2',
      AGENT_LOCK_DURATION_MS: '2000',
      AGENT_STALLED_INTERVAL_MS: '500',
      ...env,
    });
    workers.push(w);
    return w;
  }

  async function enqueue(db: number): Promise<{ job: Job; callId: string }> {
    const payload = makeAgentJob();
    const job = await h.queue('simulated', db).add('call', payload, {
      jobId: payload.callId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 200 },
    });
    return { job, callId: payload.callId };
  }

  const stateOf = async (db: number, id: string) =>
    (await h.queue('simulated', db).getJob(id))?.getState();

  it('finishes a job whose worker was SIGKILLed mid-call on another worker, metered once', async () => {
    const a = worker(1, { SIMULATED_LATENCY_MS: '30000' });
    await a.ready;
    const { job, callId } = await enqueue(1);
    await waitFor(
      async () => (await stateOf(1, callId)) === 'active',
      10_000,
      'worker A to take the job',
    );
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');

    const b = worker(1, { SIMULATED_LATENCY_MS: '200' });
    await b.ready;
    const result = AgentJobResultSchema.parse(
      await job.waitUntilFinished(await h.events('simulated', 1), 30_000),
    );
    expect(result).toMatchObject({ callId, error: null, simulated: true });
    const done = await h.queue('simulated', 1).getJob(callId);
    expect(done?.stalledCounter).toBe(1); // handed over by BullMQ's stalled check, not retried as failed
    expect(done?.attemptsMade).toBe(1); // the one that completed; none failed
    expect(done?.failedReason).toBeFalsy();
    expect(await usageEventsFor(h.nc, callId)).toHaveLength(1);
  });

  it('on SIGTERM stops taking jobs and finishes the one in flight before it exits', async () => {
    const c = worker(2, { SIMULATED_LATENCY_MS: '1500', AGENT_SHUTDOWN_TIMEOUT_MS: '20000' });
    const port = await c.ready;
    const { callId } = await enqueue(2);
    await waitFor(
      async () => (await stateOf(2, callId)) === 'active',
      10_000,
      'the worker to take the job',
    );
    c.child.kill('SIGTERM');
    // once it says it is no longer ready, a job that arrives must stay in the queue
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 503,
      5000,
      'not ready',
    );
    const next = await enqueue(2);
    const exit = await c.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(await stateOf(2, callId)).toBe('completed');
    expect(await stateOf(2, next.callId)).toBe('waiting');
    expect(await usageEventsFor(h.nc, callId)).toHaveLength(1);
  });

  it('on SIGTERM hands a call that outlasts the shutdown timeout back to the queue, for another worker', async () => {
    const d = worker(3, { SIMULATED_LATENCY_MS: '60000', AGENT_SHUTDOWN_TIMEOUT_MS: '300' });
    await d.ready;
    const { job, callId } = await enqueue(3);
    await waitFor(
      async () => (await stateOf(3, callId)) === 'active',
      10_000,
      'the worker to take the job',
    );
    const stopping = Date.now();
    d.child.kill('SIGTERM');
    await d.exited;
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(await stateOf(3, callId)).toBe('waiting');
    const handedBack = await h.queue('simulated', 3).getJob(callId);
    expect(handedBack?.attemptsMade).toBe(0);
    expect(await usageEventsFor(h.nc, callId)).toHaveLength(0);

    const e = worker(3, { SIMULATED_LATENCY_MS: '0' });
    await e.ready;
    const result = AgentJobResultSchema.parse(
      await job.waitUntilFinished(await h.events('simulated', 3), 30_000),
    );
    expect(result.error).toBeNull();
    expect(await usageEventsFor(h.nc, callId)).toHaveLength(1);
  });
});
