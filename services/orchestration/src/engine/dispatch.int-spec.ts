import { getDataSourceToken } from '@nestjs/typeorm';
import { RunList, RunSummary } from '@postmagiq/contracts';
import { bullConnection, RedisService } from '@postmagiq/platform';
import { waitFor, type TestCaller, type TestInfra } from '@postmagiq/platform/testing';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { earlyKey } from './agent-dispatcher.service';
import { RecoveryService } from './recovery.service';
import { STEPS_QUEUE } from './queue-names';
import { ageRun } from '../testing/age-run';
import { useOrchestrationStack } from '../testing/orchestration-stack';
import type { Replica } from '../testing/replicas';

jest.setTimeout(180_000);

/** A quorum fan-out: two simulated writers and one whose queue nobody consumes (openai "has a key" here). */
const QUORUM_WORKFLOW = `workflow:
  name: quorum_race
  initial_state: start
  states:
    start:
      type: initial
      transitions:
        - { target: draft, condition: always }
    draft:
      type: fan-out
      completion: { quorum: 2 }
      agents:
        - { name: fast_one, type: simulated, persona: writer }
        - { name: stuck, type: openai, persona: writer }
        - { name: fast_two, type: simulated, persona: writer }
      transitions:
        - { target: done, condition: { quorum: 2 } }
    done:
      type: terminal
`;

describe('dispatching agent calls: early decisions, routing, cancellation, idempotent starts (two replicas, real Redis, NATS, embedded Postgres, the simulated agent worker)', () => {
  const fx = useOrchestrationStack();
  const {
    replicas,
    A,
    B,
    ip,
    startRun,
    detail,
    waitStatus,
    allEvents,
    agentQueue,
    stuckFanOut,
    expectContiguous,
    saveWorkflow,
  } = fx;
  let owner: TestCaller;
  let viewer: TestCaller;
  let story: string;
  let infra: TestInfra;
  beforeAll(() => {
    ({ owner, viewer, story, infra } = fx);
  });

  it('a quorum fan-out decides as soon as enough calls are back, without waiting for the one still queued', async () => {
    expect((await saveWorkflow(QUORUM_WORKFLOW)).status).toBe(201);
    const run = await startRun(owner, { workflow: 'quorum_race', storyEntryId: story });
    const d = await waitStatus(run.id, ['completed', 'failed', 'halted']);
    expect(d.status).toBe('completed');
    const byAgent = Object.fromEntries(d.agentCalls.map((c) => [c.agent, c]));
    expect(byAgent['stuck']).toMatchObject({
      status: 'queued',
      requestedBackend: 'openai',
      backend: 'openai',
    });
    expect(byAgent['fast_one']?.status).toBe('succeeded');
    expect(byAgent['fast_two']?.status).toBe('succeeded');
    // the candidate post is the first successful draft in declaration order
    expect(d.finalPost).toBe(byAgent['fast_one']?.output);
    const events = await allEvents(run.id);
    expect(events.filter((e) => e.type === 'agent.finished')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('a quorum fan-out whose completion events were missed decides from its step job (the sweep), not when the slowest call is back', async () => {
    expect([200, 201]).toContain((await saveWorkflow(QUORUM_WORKFLOW)).status);
    // the simulated calls wait on a paused queue until the fast path can no longer see them
    const simulated = agentQueue('simulated');
    await simulated.pause();
    try {
      const run = await startRun(owner, { workflow: 'quorum_race', storyEntryId: story });
      const calls = await waitFor(
        async () => {
          const d = await detail(run.id);
          return d.agentCalls.length === 3 ? d.agentCalls : null;
        },
        20_000,
        'the fan-out calls',
      );
      const ids = calls.map((c) => c.callId);
      const fast = calls.filter((c) => c.agent !== 'stuck').map((c) => c.callId);
      const fastStates = await waitFor(
        async () => {
          const jobs = await Promise.all(fast.map((id) => simulated.getJob(id)));
          return jobs.every(Boolean) ? Promise.all(jobs.map((j) => j?.getState())) : null;
        },
        10_000,
        'the simulated calls queued',
      );
      expect(fastStates).toEqual(['waiting', 'waiting']);
      // without their marks the completion events are skipped: as if every replica had been down
      // when they came (events start at '$', a replica back up never sees them)
      await A()
        .app.get(RedisService)
        .client.del(...ids.map(earlyKey));
      await simulated.resume();
      const d = await waitStatus(run.id, ['completed', 'failed', 'halted'], 30_000, 1000);
      expect(d.status).toBe('completed');
      const byAgent = Object.fromEntries(d.agentCalls.map((c) => [c.agent, c]));
      expect(byAgent['stuck']?.status).toBe('queued');
      expect(byAgent['fast_one']?.status).toBe('succeeded');
      expect(byAgent['fast_two']?.status).toBe('succeeded');
      expect(d.finalPost).toBe(byAgent['fast_one']?.output);
      const events = await allEvents(run.id);
      expectContiguous(events);
      expect(events.filter((e) => e.type === 'agent.finished')).toHaveLength(2);
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    } finally {
      await simulated.resume();
      await simulated.close();
    }
  });

  it('the sweep halts a run stuck past its hard runtime limit (a queue nobody consumes) once, as a hard breaker halt, and withdraws its calls', async () => {
    const { run, queue, states } = await stuckFanOut();
    try {
      // as if it had been running for 61 minutes: past the hard limit of 60, never transitioning
      await ageRun(A().app, run.id, 61 * 60_000);
      // both replicas sweep at once (twice: a pass already under way read the run before it aged)
      for (let i = 0; i < 2; i += 1)
        await Promise.all(replicas.map((r) => r.app.get(RecoveryService).sweep()));
      const d = await waitStatus(
        run.id,
        ['halted', 'failed', 'completed', 'cancelled'],
        20_000,
        1000,
      );
      expect(d).toMatchObject({ status: 'halted', extendable: false, currentState: 'draft' });
      expect(d.reason).toMatch(
        /^circuit breaker: the run has been running for 6\d\.\d minutes; the hard limit is 60 minutes$/,
      );
      expect(await states()).toEqual([undefined, undefined, undefined]);
      const settled = await waitFor(
        async () => {
          const calls = (await detail(run.id)).agentCalls.filter((c) => c.state === 'draft');
          return calls.every((c) => c.status === 'failed') ? calls : null;
        },
        20_000,
        'the withdrawn calls recorded',
        250,
      );
      for (const call of settled) {
        expect(call).toMatchObject({ tokensIn: 0, costUsd: 0 });
        expect(call.error).toMatch(/withdrawn: the run was halted before a worker took the call/);
      }
      const events = await allEvents(run.id);
      expectContiguous(events);
      expect(events.filter((e) => e.type === 'breaker.tripped')).toEqual([
        expect.objectContaining({ state: 'draft', limit: 'runtime_minutes', soft: false }),
      ]);
      expect(events.filter((e) => e.type === 'run.finished')).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'halted' });
      // a hard halt is final
      const extend = await A().api('POST', `/api/workflows/runs/${run.id}/extend`, {
        token: owner.token,
        ip: ip(),
      });
      expect(extend.status).toBe(409);
    } finally {
      await queue.close();
    }
  });

  it('routes agents without a key to the simulated queue, honours a backend per role, and cancels a waiting run', async () => {
    const run = await startRun(owner, {
      workflow: 'linkedin_post',
      storyEntryId: story,
      backends: { writer: 'ollama', auditor: 'gemini' },
    });
    const waiting = await waitStatus(run.id, ['awaiting_approval']);
    const draft = waiting.agentCalls.filter((c) => c.state === 'draft');
    expect(draft.map((c) => [c.requestedBackend, c.backend])).toEqual([
      ['ollama', 'simulated'],
      ['ollama', 'simulated'],
      ['ollama', 'simulated'],
    ]);
    expect(waiting.agentCalls.find((c) => c.state === 'audit')?.requestedBackend).toBe('gemini');
    expect(waiting.agentCalls.find((c) => c.state === 'synthesize')?.requestedBackend).toBe(
      'claude',
    );
    const list = await A().api<RunList>('GET', '/api/workflows/runs?status=awaiting_approval', {
      token: viewer.token,
      ip: ip(),
    });
    expect(list.body.items.map((r) => r.id)).toContain(run.id);
    expect(list.body.items.every((r) => r.awaitingApproval)).toBe(true);

    const cancelled = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/cancel`, {
      token: owner.token,
      body: { reason: 'changed my mind' },
      ip: ip(),
    });
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled: changed my mind',
    });
    expect(
      (
        await A().api('POST', `/api/workflows/runs/${run.id}/approve`, {
          token: owner.token,
          ip: ip(),
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await A().api('POST', `/api/workflows/runs/${run.id}/cancel`, {
          token: owner.token,
          ip: ip(),
        })
      ).status,
    ).toBe(409);
    const events = await allEvents(run.id);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' });
  });

  it('a start retried with its Idempotency-Key gets the first run, never a second one', async () => {
    const key = `retry-${randomUUID()}`;
    const body = { workflow: 'linkedin_post', storyEntryId: story };
    const send = (replica: Replica, b: Record<string, unknown>, k = key) =>
      replica.api<RunSummary>('POST', '/api/workflows/runs', {
        token: owner.token,
        body: b,
        ip: ip(),
        headers: { 'idempotency-key': k },
      });
    // two replicas at once: both miss the lookup, the index lets one insert, the other answers with it
    const [first, second] = await Promise.all([send(A(), body), send(B(), body)]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    const later = await send(A(), { storyEntryId: story, workflow: 'linkedin_post' });
    expect(later.status).toBe(201);
    expect(later.body.id).toBe(first.body.id);
    expect(later.headers.get('idempotent-replayed')).toBe('true');

    const other = await send(B(), { ...body, backends: { writer: 'openai' } });
    expect(other.status).toBe(422);
    expect(JSON.stringify(other.body)).toMatch(
      /Idempotency-Key: this key was used for a different/,
    );
    const bad = await send(A(), body, 'has spaces in it');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/Idempotency-Key/);

    const ds = A().app.get<DataSource>(getDataSourceToken('orchestration'));
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM "orchestration"."runs" WHERE "idempotency_key" = $1`,
      [key],
    );
    expect(n).toBe(1);
    await A().api('POST', `/api/workflows/runs/${first.body.id}/cancel`, {
      token: owner.token,
      ip: ip(),
    });
  });

  it('cancelling withdraws the calls no worker has started, and the run stays cancelled', async () => {
    const { run, queue, states } = await stuckFanOut();
    try {
      const cancelled = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/cancel`, {
        token: owner.token,
        ip: ip(),
      });
      expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: 'cancelled by a user' });
      expect(await states()).toEqual([undefined, undefined, undefined]);

      // the step job, released by the last removal, records the calls as withdrawn
      const settled = await waitFor(
        async () => {
          const d = await detail(run.id);
          const calls = d.agentCalls.filter((c) => c.state === 'draft');
          return calls.every((c) => c.status === 'failed') ? d : null;
        },
        20_000,
        'the withdrawn calls recorded',
      );
      expect(settled.status).toBe('cancelled');
      for (const call of settled.agentCalls.filter((c) => c.state === 'draft')) {
        expect(call).toMatchObject({ tokensIn: 0, tokensOut: 0, costUsd: 0 });
        expect(call.error).toMatch(
          /withdrawn: the run was cancelled before a worker took the call/,
        );
      }
      const events = await allEvents(run.id);
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' });
      expect(events.filter((e) => e.type === 'agent.finished')).toHaveLength(0);
    } finally {
      await queue.close();
    }
  });

  it('fails a step job whose payload does not fit at once and for good, never completing it as handled', async () => {
    const steps = new Queue(STEPS_QUEUE, bullConnection(infra.redisUrl));
    const events = new QueueEvents(STEPS_QUEUE, bullConnection(infra.redisUrl));
    try {
      await events.waitUntilReady();
      const job = await steps.add(
        'step',
        { runId: 'not-a-uuid', seq: 1 },
        { jobId: `malformed-${randomUUID()}`, attempts: 5 },
      );
      await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(
        /invalid step job payload: runId: /,
      );
      const failed = await steps.getJob(job.id as string);
      expect(await failed?.getState()).toBe('failed');
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await events.close();
      await steps.close();
    }
  });
});
