import type { INestApplication } from '@nestjs/common';
import { AgentJobResultSchema, type AgentJobResult } from '@postmagiq/contracts';
import { RedisService } from '@postmagiq/platform';
import { UnrecoverableError, type Job } from 'bullmq';
import { bootWorker } from './bootstrap-worker';
import { RedisSessionStore } from './sessions/redis-session-store';
import {
  collectTokens,
  makeAgentJob,
  readUsageEvents,
  startHarness,
  usageEventsFor,
  waitForUsage,
  type Harness,
} from './testing/worker-harness';
import { waitFor } from '@postmagiq/platform/testing';

jest.setTimeout(60_000);

describe('agent worker on agents.simulated (real Redis and NATS)', () => {
  let h: Harness;
  let app: INestApplication;
  let base: string;
  let metricsBase: string;

  beforeAll(async () => {
    h = await startHarness();
    const booted = await bootWorker({
      REDIS_URL: h.redisUrl,
      NATS_URL: h.natsUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'fatal', // the failures this suite provokes are logged as errors
      NODE_ENV: 'test',
      AGENT_BACKEND: 'simulated',
      AGENT_CONCURRENCY: '4',
      METRICS_PORT: '0',
    });
    app = booted.app;
    base = `http://127.0.0.1:${booted.port}`;
    metricsBase = `http://127.0.0.1:${booted.metricsPort}`;
  });

  afterAll(async () => {
    await app?.close();
    await h?.stop();
  });

  async function run(
    job = makeAgentJob(),
    opts: { attempts?: number } = {},
  ): Promise<AgentJobResult> {
    const events = await h.events('simulated');
    const added = await h.queue('simulated').add('call', job, {
      jobId: job.callId,
      attempts: opts.attempts ?? 3,
      backoff: { type: 'exponential', delay: 200 },
    });
    return AgentJobResultSchema.parse(await added.waitUntilFinished(events, 30_000));
  }

  async function jobOf(id: string): Promise<Job> {
    const job = await h.queue('simulated').getJob(id);
    if (!job) throw new Error(`no job ${id}`);
    return job;
  }

  it('processes a job and returns a valid AgentJobResult, streaming its tokens to NATS in order', async () => {
    const job = makeAgentJob();
    const tokens = collectTokens(h.nc, job.task.runId);
    const result = await run(job);
    expect(result).toMatchObject({
      callId: job.callId,
      backend: 'simulated',
      simulated: true,
      error: null,
    });
    expect(result.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.content.length).toBeGreaterThan(200);
    // core NATS has no delivery guarantee beyond order: flush, then every chunk is there in order
    await h.nc.flush();
    await waitFor(
      () => tokens.chunks.map((c) => c.text).join('') === result.content,
      5000,
      'every token',
    );
    tokens.stop();
    expect(tokens.chunks.map((c) => c.index)).toEqual(tokens.chunks.map((_, i) => i));
    expect(
      tokens.chunks.every(
        (c) =>
          c.callId === job.callId && c.state === job.task.state && c.agent === job.task.agent.name,
      ),
    ).toBe(true);
    const usage = await waitForUsage(h.nc, job.callId);
    expect(usage).toEqual([
      expect.objectContaining({
        callId: job.callId,
        runId: job.task.runId,
        workspaceId: job.workspaceId,
        backend: 'simulated',
        tokensOut: result.tokensOut,
        failed: false,
        simulated: true,
      }),
    ]);
  });

  it('answers a redelivered call with the stored result and publishes one usage event per call', async () => {
    const job = makeAgentJob();
    const first = await run(job);
    const queue = h.queue('simulated');
    const events = await h.events('simulated');

    // the same call retried after it completed (what a redelivery after a lost ack amounts to)
    const tokens = collectTokens(h.nc, job.task.runId);
    await (await jobOf(job.callId)).retry('completed');
    const retried = await waitFor(
      async () =>
        (await queue.getJob(job.callId))?.finishedOn &&
        (await queue.getJob(job.callId))?.returnvalue,
      10_000,
      'the retried job',
    );
    expect(retried).toEqual(first);

    // and enqueued again from scratch under the same id once the first job is gone
    await (await jobOf(job.callId)).remove();
    const again = await queue.add('call', job, { jobId: job.callId });
    expect(await again.waitUntilFinished(events, 10_000)).toEqual(first);

    // a duplicate add while the job exists is refused by BullMQ itself (same id)
    const dup = await queue.add('call', job, { jobId: job.callId });
    expect(dup.id).toBe(job.callId);

    await h.nc.flush();
    tokens.stop();
    expect(tokens.chunks).toEqual([]); // nothing streamed again: the vendor was not called
    expect(await usageEventsFor(h.nc, job.callId)).toHaveLength(1);
    const metrics = await (await fetch(`${metricsBase}/metrics`)).text();
    expect(metrics).toMatch(
      /agent_worker_jobs_total\{backend="simulated",outcome="replayed"\} [2-9]/,
    );
  });

  it('fails a malformed payload at once, with a message naming the field, and never retries it', async () => {
    const queue = h.queue('simulated');
    const events = await h.events('simulated');
    const bad = makeAgentJob();
    const payload = { ...bad, task: { ...bad.task, visit: 0 }, extra: true };
    const job = await queue.add('call', payload, {
      jobId: 'malformed-1',
      attempts: 5,
      backoff: { type: 'fixed', delay: 10 },
    });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(
      /invalid agent job payload: .*task\.visit/,
    );
    const failed = await jobOf('malformed-1');
    expect(await failed.getState()).toBe('failed');
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toContain('extra');
    expect(UnrecoverableError.name).toBe('UnrecoverableError');
  });

  it('consumes only its own backend queue', async () => {
    const claudeJob = makeAgentJob({ backend: 'claude' });
    const waiting = await h.queue('claude').add('call', claudeJob, { jobId: claudeJob.callId });
    await run(); // the simulated pool is alive and busy with its own queue
    expect(await waiting.getState()).toBe('waiting');
    expect(await h.queue('claude').getActiveCount()).toBe(0);
    await waiting.remove();
  });

  it('continues an orchestrator-task conversation from Redis, and a redelivered call keeps one exchange', async () => {
    const runId = 'run-session-1';
    const sessionKey = `${runId}:synthesize:synthesizer`;
    const task = (visit: number) => ({
      runId,
      state: 'synthesize',
      stateType: 'orchestrator-task' as const,
      visit,
      agent: {
        name: 'synthesizer',
        backend: 'simulated' as const,
        persona: 'synthesizer',
        sessionPersist: true,
      },
      drafts: ['First draft about the Friday deploy.', 'Second draft about the migration lock.'],
      sessionKey,
    });
    const first = makeAgentJob({ seq: 5, task: task(1) });
    const second = makeAgentJob({ seq: 9, task: task(2) });
    const r1 = await run(first);
    const r2 = await run(second);
    const store = new RedisSessionStore(app.get(RedisService).client);
    const turns = await store.load(sessionKey);
    expect(turns.map((t) => [t.role, t.callId])).toEqual([
      ['user', `${runId}:synthesize:1:synthesizer`],
      ['assistant', `${runId}:synthesize:1:synthesizer`],
      ['user', `${runId}:synthesize:2:synthesizer`],
      ['assistant', `${runId}:synthesize:2:synthesizer`],
    ]);
    expect(turns[1]?.content).toBe(r1.content);
    // the second visit was sent the first exchange: its prompt is larger by that history
    expect(r2.tokensIn).toBeGreaterThan(r1.tokensIn);

    // the first call delivered again after its result was lost: it runs again, and replaces its turns
    await h.queue('simulated').remove(first.callId);
    await app.get(RedisService).client.del(`pmq:agent-call:${first.callId}`);
    await run(first);
    expect((await store.load(sessionKey)).map((t) => t.callId)).toEqual(turns.map((t) => t.callId));
  });

  it('applies a workspace persona override to the prompt it sends', async () => {
    const plain = await run(makeAgentJob());
    const custom = await run(
      makeAgentJob({
        personaOverrides: { writer: 'You write for {{voice_name}}. Keep it short and concrete.' },
      }),
    );
    expect(custom.promptHash).not.toBe(plain.promptHash);
    const bad = makeAgentJob({ personaOverrides: { writer: 'Hello {{no_such_placeholder}}' } });
    await expect(run(bad)).rejects.toThrow(/personaOverrides: .*no_such_placeholder/);
    // a finished call answers its redelivery even if its override no longer fits (the prompts
    // changed in between): the override matters only to a call that has to be made
    await h.queue('simulated').remove(custom.callId);
    const stale = await run({
      ...makeAgentJob({ personaOverrides: { writer: 'Hello {{no_such_placeholder}}' } }),
      callId: custom.callId,
    });
    expect(stale).toEqual(custom);
  });

  it('serves health and metrics with jobs, tokens and cost per backend', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as {
      status: string;
      checks: Record<string, { ok: boolean }>;
    };
    expect(ready.status).toBe('ok');
    expect(Object.keys(ready.checks).sort()).toEqual(['agent-worker:simulated', 'nats', 'redis']);
    const metrics = await (await fetch(`${metricsBase}/metrics`)).text();
    expect(metrics).toMatch(
      /agent_worker_jobs_total\{backend="simulated",outcome="completed"\} \d+/,
    );
    expect(metrics).toMatch(/agent_worker_jobs_total\{backend="simulated",outcome="invalid"\} \d+/);
    expect(metrics).toMatch(/agent_worker_tokens_total\{backend="simulated",kind="out"\} [1-9]\d*/);
    expect(metrics).toContain('agent_worker_cost_usd_total{backend="simulated"} 0');
    expect(metrics).toContain('agent_worker_call_duration_seconds_bucket');
    // one usage event per distinct call made in this suite
    const events = await readUsageEvents(h.nc);
    expect(new Set(events.map((e) => e.callId)).size).toBe(events.length);
  });
});
