import { getDataSourceToken } from '@nestjs/typeorm';
import {
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RUN_STARTED_SUBJECT,
  RunList,
  RunStreamCloseCodes,
  RunSummary,
  WorkflowDefinitionSummary,
} from '@postmagiq/contracts';
import { listRoutes, pendingSchemaChanges } from '@postmagiq/platform';
import { readStream, waitFor, type TestCaller, type TestInfra } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { mainJobOptions, runMainJob } from './demo/main-job';
import { RedisBreakerCounterStore } from './breaker/redis-breaker-counter-store';
import { ageRun } from './testing/age-run';
import { failingJudgeWorkflow } from './testing/workflows';
import { openStream } from './testing/ws-client';
import type { ContentResponder } from './testing/content-responder';
import { useOrchestrationStack } from './testing/orchestration-stack';

jest.setTimeout(180_000);

/** A loop that only the circuit breaker ends (its exit condition never holds). */
const LOOP_WORKFLOW = `workflow:
  name: loop_forever
  initial_state: start
  states:
    start:
      type: initial
      transitions:
        - { target: write, condition: always }
    write:
      type: single
      agent: { name: writer, type: simulated, persona: writer }
      transitions:
        - { target: done, condition: "context.transitions > 100" }
        - { target: polish, condition: always }
    polish:
      type: single
      agent: { name: polisher, type: simulated, persona: reviser }
      transitions:
        - { target: done, condition: "context.transitions > 100" }
        - { target: write, condition: always }
    done:
      type: terminal
`;

const FAILING_WORKFLOW = failingJudgeWorkflow('judge_badly');

describe('orchestration service (two replicas, real Redis, NATS, embedded Postgres, the simulated agent worker)', () => {
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
    expectContiguous,
    saveWorkflow,
  } = fx;
  let owner: TestCaller;
  let editor: TestCaller;
  let viewer: TestCaller;
  let stranger: TestCaller;
  let story: string;
  let workspace: string;
  let infra: TestInfra;
  let content: ContentResponder;
  beforeAll(() => {
    ({ owner, editor, viewer, stranger, story, workspace, infra, content } = fx);
  });

  it('runs the default workflow through the services: fan-out, audit, revise loop, synthesize, approval, completion, streamed in order', async () => {
    const run = await startRun(owner, { workflow: 'linkedin_post', storyEntryId: story });
    expect(run.workflow).toBe('linkedin_post');
    // the stream is served by the other replica: its events cross replicas over NATS
    const stream = await openStream(B().url, run.id, owner.token, 0, 'protocol');
    const approval = await stream.waitForEvent((e) => e.type === 'approval.requested', 90_000);
    expect(approval.type === 'approval.requested' && approval.post.length).toBeGreaterThan(100);
    expect((await detail(run.id)).status).toBe('awaiting_approval');

    const approved = await A().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/approve`, {
      token: editor.token,
      ip: ip(),
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('completed');
    const finished = await stream.waitForEvent((e) => e.type === 'run.finished');
    await stream.close();

    const events = stream.events();
    expectContiguous(events);
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)).toBe(finished);
    expect(finished).toMatchObject({ status: 'completed', finalState: 'complete' });
    const entered = events.flatMap((e) => (e.type === 'state.entered' ? [e.state] : []));
    expect(entered).toEqual([
      'start',
      'draft',
      'audit',
      'revise',
      'audit',
      'synthesize',
      'review',
      'complete',
    ]);
    const drafts = events.filter((e) => e.type === 'agent.started' && e.state === 'draft');
    expect(drafts.map((e) => (e.type === 'agent.started' ? e.agent : ''))).toEqual([
      'writer_claude',
      'writer_gemini',
      'writer_ollama',
    ]);
    // every draft is linted before the auditor is asked, and its findings are in the log
    const firstAudit = events.findIndex((e) => e.type === 'agent.started' && e.state === 'audit');
    expect(events.slice(0, firstAudit).filter((e) => e.type === 'gate.findings')).toHaveLength(3);
    // the stream and the log are the same events
    expect(await allEvents(run.id)).toEqual(events);

    const d = await detail(run.id, viewer, B());
    expect(d.visits.map((v) => [v.seq, v.state])).toEqual(
      ['start', 'draft', 'audit', 'revise', 'audit', 'synthesize', 'review', 'complete'].map(
        (s, i) => [i, s],
      ),
    );
    expect(d.agentCalls).toHaveLength(7);
    for (const call of d.agentCalls) {
      expect(call).toMatchObject({
        status: 'succeeded',
        backend: 'simulated',
        simulated: true,
        error: null,
      });
      expect(call.promptHash).toMatch(/^[0-9a-f]{16,}/);
      expect(call.output?.length).toBeGreaterThan(0);
      expect(call.tokensIn).toBeGreaterThan(0);
    }
    expect(d.agentCalls[0]?.requestedBackend).toBe('claude');
    expect(d.finalPost).toBe(finished.type === 'run.finished' ? finished.finalPost : '');
    expect(d.breaker).toMatchObject({
      transitions: 7,
      extended: false,
      visits: { audit: 2, draft: 1 },
    });
    expect(d.usage.tokensIn).toBe(d.agentCalls.reduce((n, c) => n + c.tokensIn, 0));

    // run started/finished on JetStream, once each, with message ids of their own
    const lifecycle = await waitFor(
      async () => {
        const msgs = (await readStream(infra.natsUrl, ORCHESTRATION_STREAM)).filter(
          (m) => m.data['runId'] === run.id,
        );
        return msgs.length >= 2 ? msgs : null;
      },
      15_000,
      'run lifecycle events',
    );
    expect(lifecycle.map((m) => [m.subject, m.msgId])).toEqual([
      [RUN_STARTED_SUBJECT, `${run.id}.started`],
      [RUN_FINISHED_SUBJECT, `${run.id}.finished`],
    ]);
    expect(lifecycle[1]?.data).toMatchObject({
      status: 'completed',
      finalPost: d.finalPost,
      storyEntryId: story,
      workspaceId: workspace,
    });
  });

  it('time spent waiting for a reviewer does not count as runtime: a post approved hours later completes', async () => {
    const run = await startRun(owner, { workflow: 'linkedin_post', storyEntryId: story });
    await waitStatus(run.id, ['awaiting_approval']);
    // as if the run had started, and begun waiting, two hours ago
    await ageRun(A().app, run.id, 2 * 3600_000, ['awaiting_since']);
    const approved = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/approve`, {
      token: owner.token,
      ip: ip(),
    });
    expect(approved.body).toMatchObject({ status: 'completed', reason: null });
    const d = await detail(run.id);
    expect(d.breaker?.elapsedMinutes).toBeLessThan(5);
  });

  it('the breaker halts a looping workflow at its limit with two replicas sharing the steps; the extension is used once', async () => {
    expect((await saveWorkflow(LOOP_WORKFLOW)).status).toBe(201);
    const before = await Promise.all(replicas.map((r) => r.stepJobs()));
    const runs = await Promise.all(
      [0, 1, 2].map((i) =>
        startRun(owner, { workflow: 'loop_forever', storyEntryId: story }, replicas[i % 2]),
      ),
    );
    const breaker = A().app.get(RedisBreakerCounterStore);
    for (const run of runs) {
      const d = await waitStatus(run.id, ['halted', 'failed', 'completed']);
      expect(d.status).toBe('halted');
      expect(d.extendable).toBe(true);
      expect(d.reason).toContain(
        "state 'write' would be visited 4 times; the soft limit is 3 visits per state",
      );
      // seq 0 enters the initial state; 6 transitions passed, the 7th was refused
      expect(d.visits.map((v) => v.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(await breaker.counters(run.id)).toMatchObject({
        transitions: 6,
        visits: { write: 3, polish: 3 },
      });
      const events = await allEvents(run.id);
      expectContiguous(events);
      expect(events.filter((e) => e.type === 'breaker.tripped')).toEqual([
        expect.objectContaining({ state: 'polish', limit: 'state_visits', soft: true }),
      ]);
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'halted' });
    }
    // Every step went through one of the two replicas, sharing the Redis counters. Which replica
    // takes which step is BullMQ's choice (under load one may take them all), so the race for one
    // limit is proven deterministically in redis-breaker-counter-store.int-spec.ts instead.
    const after = await Promise.all(replicas.map((r) => r.stepJobs()));
    const processed = after.reduce((sum, n, i) => sum + n - (before[i] as number), 0);
    expect(processed).toBeGreaterThanOrEqual(runs.length * 6);

    const [first] = runs as [RunSummary];
    const viewerExtend = await B().api('POST', `/api/workflows/runs/${first.id}/extend`, {
      token: viewer.token,
      ip: ip(),
    });
    expect(viewerExtend.status).toBe(403);
    const extended = await B().api<RunSummary>('POST', `/api/workflows/runs/${first.id}/extend`, {
      token: owner.token,
      ip: ip(),
    });
    expect(extended.status).toBe(200);
    const d = await waitStatus(first.id, ['halted', 'failed', 'completed']);
    expect(d).toMatchObject({ status: 'halted', extendable: false });
    expect(d.reason).toContain('the hard limit is 6 visits per state');
    expect(d.visits.map((v) => v.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(await breaker.counters(first.id)).toMatchObject({
      transitions: 12,
      extended: true,
    });
    const twice = await A().api<{ type: string }>(
      'POST',
      `/api/workflows/runs/${first.id}/extend`,
      { token: owner.token, ip: ip() },
    );
    expect(twice.status).toBe(409);
    expectContiguous(await allEvents(first.id));
  });

  it('resumes a failed run from the state it failed in, as a new visit with new job ids', async () => {
    expect((await saveWorkflow(FAILING_WORKFLOW)).status).toBe(201);
    const run = await startRun(owner, { workflow: 'judge_badly', storyEntryId: story });
    const failed = await waitStatus(run.id, ['failed', 'completed']);
    expect(failed).toMatchObject({ status: 'failed', resumable: true, currentState: 'judge' });
    expect(failed.reason).toContain("state 'judge': agent 'judge' returned an invalid AuditResult");
    const resumed = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/resume`, {
      token: owner.token,
      ip: ip(),
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('running');
    const again = await waitStatus(run.id, ['failed', 'completed']);
    expect(again.visits.map((v) => [v.seq, v.state, v.visit, v.condition])).toEqual([
      [0, 'start', 1, null],
      [1, 'judge', 1, 'always'],
      [2, 'judge', 2, 'resume'],
    ]);
    expect(again.agentCalls.map((c) => c.callId)).toEqual([
      `${run.id}.1.judge`,
      `${run.id}.2.judge`,
    ]);
    expectContiguous(await allEvents(run.id));
    const notFailed = await A().api('POST', `/api/workflows/runs/${run.id}/extend`, {
      token: owner.token,
      ip: ip(),
    });
    expect(notFailed.status).toBe(409);
  });

  it('time a run stood failed or halted is no runtime: resumed or extended two hours after it started, it goes on', async () => {
    expect([200, 201]).toContain((await saveWorkflow(FAILING_WORKFLOW)).status);
    expect([200, 201]).toContain((await saveWorkflow(LOOP_WORKFLOW)).status);
    const twoHours = 2 * 3600_000;
    // failed two hours ago, a minute after it started: the resume must not trip the 60-minute limit
    const failing = await startRun(owner, { workflow: 'judge_badly', storyEntryId: story });
    await waitStatus(failing.id, ['failed']);
    await ageRun(A().app, failing.id, twoHours, ['finished_at']);
    const resumed = await A().api<RunSummary>('POST', `/api/workflows/runs/${failing.id}/resume`, {
      token: owner.token,
      ip: ip(),
    });
    expect(resumed.body).toMatchObject({ status: 'running', reason: null });
    const again = await waitStatus(failing.id, ['failed', 'halted', 'completed']);
    expect(again.status).toBe('failed');
    expect(again.reason).toContain("agent 'judge' returned an invalid AuditResult");
    expect(again.visits.map((v) => v.condition)).toEqual([null, 'always', 'resume']);
    expect(again.breaker?.elapsedMinutes).toBeLessThan(5);

    // halted by a soft limit two hours ago: the extension continues it to the hard visit limit
    const looping = await startRun(owner, { workflow: 'loop_forever', storyEntryId: story });
    const halted = await waitStatus(looping.id, ['halted', 'failed', 'completed']);
    expect(halted).toMatchObject({ status: 'halted', extendable: true });
    await ageRun(A().app, looping.id, twoHours, ['finished_at']);
    const extended = await B().api<RunSummary>('POST', `/api/workflows/runs/${looping.id}/extend`, {
      token: owner.token,
      ip: ip(),
    });
    expect(extended.status).toBe(200);
    const d = await waitStatus(looping.id, ['halted', 'failed', 'completed']);
    expect(d.reason).toContain('the hard limit is 6 visits per state');
    expect(d.reason).not.toContain('minutes');
    expect(d.breaker?.elapsedMinutes).toBeLessThan(5);
    expectContiguous(await allEvents(looping.id));
  });

  it('a resume refused by a soft limit halts the run extendable, and the extension redoes the resume', async () => {
    const once = failingJudgeWorkflow('judge_once', '{ state_visits: 1 }');
    expect([200, 201]).toContain((await saveWorkflow(once)).status);
    const run = await startRun(owner, { workflow: 'judge_once', storyEntryId: story });
    await waitStatus(run.id, ['failed']);
    // the resume's S → S transition is the judge's second visit: one more than the soft limit
    const resumed = await A().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/resume`, {
      token: owner.token,
      ip: ip(),
    });
    expect(resumed.body).toMatchObject({ status: 'halted', extendable: true });
    expect(resumed.body.reason).toContain(
      "state 'judge' would be visited 2 times; the soft limit is 1 visits per state",
    );
    expect(resumed.body.reason).toContain(`/api/workflows/runs/${run.id}/extend`);

    const extended = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/extend`, {
      token: owner.token,
      ip: ip(),
    });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ status: 'running', reason: null });
    const d = await waitStatus(run.id, ['failed', 'halted', 'completed']);
    // the judge ran a second time (a new visit, new job id) and failed as judges do here
    expect(d.status).toBe('failed');
    expect(d.reason).toContain("agent 'judge' returned an invalid AuditResult");
    expect(d.visits.map((v) => [v.seq, v.state, v.visit, v.condition])).toEqual([
      [0, 'start', 1, null],
      [1, 'judge', 1, 'always'],
      [2, 'judge', 2, 'resume'],
    ]);
    expect(d.agentCalls.map((c) => c.callId)).toEqual([`${run.id}.1.judge`, `${run.id}.2.judge`]);
    expect(d.breaker).toMatchObject({ extended: true, transitions: 2 });
    const events = await allEvents(run.id);
    expectContiguous(events);
    expect(
      events
        .filter((e) => e.type === 'run.finished')
        .map((e) => e.type === 'run.finished' && e.status),
    ).toEqual(['failed', 'halted', 'failed']);
  });

  it('lists runs with filters (status, workflow, date) and pages them', async () => {
    const all = await A().api<RunList>('GET', '/api/workflows/runs?limit=200', {
      token: viewer.token,
      ip: ip(),
    });
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(8);
    const loops = await A().api<RunList>('GET', '/api/workflows/runs?workflow=loop_forever', {
      token: viewer.token,
      ip: ip(),
    });
    // three from the breaker test, one from the runtime test
    expect(loops.body.items).toHaveLength(4);
    const halted = await A().api<RunList>(
      'GET',
      '/api/workflows/runs?status=halted&workflow=loop_forever',
      { token: viewer.token, ip: ip() },
    );
    expect(halted.body.total).toBe(4);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (
        await A().api<RunList>('GET', `/api/workflows/runs?from=${encodeURIComponent(future)}`, {
          token: viewer.token,
          ip: ip(),
        })
      ).body.total,
    ).toBe(0);
    expect(
      (
        await A().api<RunList>('GET', `/api/workflows/runs?to=${encodeURIComponent(future)}`, {
          token: viewer.token,
          ip: ip(),
        })
      ).body.total,
    ).toBe(all.body.total);
    // an instant between the runs splits them: `to` keeps the older ones (exclusive), `from` the rest
    expect(all.body.items).toHaveLength(all.body.total);
    const pivot = (all.body.items[Math.floor(all.body.items.length / 2)] as RunSummary).createdAt;
    const older = all.body.items.filter((r) => r.createdAt < pivot).map((r) => r.id);
    expect(older.length).toBeGreaterThan(0);
    expect(older.length).toBeLessThan(all.body.total);
    const until = await A().api<RunList>(
      'GET',
      `/api/workflows/runs?limit=200&to=${encodeURIComponent(pivot)}`,
      { token: viewer.token, ip: ip() },
    );
    expect(until.body.total).toBe(older.length);
    expect(until.body.items.map((r) => r.id)).toEqual(older);
    const since = await A().api<RunList>(
      'GET',
      `/api/workflows/runs?limit=200&from=${encodeURIComponent(pivot)}`,
      { token: viewer.token, ip: ip() },
    );
    expect(since.body.total).toBe(all.body.total - older.length);
    expect(since.body.items.map((r) => r.id)).not.toContain(older[0]);
    const page = await A().api<RunList>('GET', '/api/workflows/runs?limit=2&offset=1', {
      token: viewer.token,
      ip: ip(),
    });
    expect(page.body.items.map((r) => r.id)).toEqual(all.body.items.slice(1, 3).map((r) => r.id));
    const bad = await A().api<{ errors: { field: string }[] }>(
      'GET',
      '/api/workflows/runs?status=bogus',
      { token: viewer.token, ip: ip() },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.field).toBe('status');
  });

  it('refuses what the caller may not do: a viewer cannot start a run (403), another workspace’s run answers 404', async () => {
    const forbidden = await A().api<{ type: string }>('POST', '/api/workflows/runs', {
      token: viewer.token,
      body: { workflow: 'linkedin_post', storyEntryId: story },
      ip: ip(),
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    expect(
      (
        await A().api('POST', '/api/workflows/runs', {
          body: { workflow: 'linkedin_post', storyEntryId: story },
          ip: ip(),
        })
      ).status,
    ).toBe(401);

    const list = await A().api<RunList>('GET', '/api/workflows/runs', {
      token: owner.token,
      ip: ip(),
    });
    const theirs = list.body.items[0] as RunSummary;
    for (const [method, path] of [
      ['GET', `/api/workflows/runs/${theirs.id}`],
      ['GET', `/api/workflows/runs/${theirs.id}/events`],
      ['POST', `/api/workflows/runs/${theirs.id}/approve`],
      ['POST', `/api/workflows/runs/${theirs.id}/cancel`],
      ['POST', `/api/workflows/runs/${theirs.id}/resume`],
      ['GET', '/api/workflows/runs/not-a-uuid'],
    ] as const) {
      const res = await B().api<{ type: string }>(method, path, {
        token: stranger.token,
        ip: ip(),
      });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const strangers = await B().api<RunList>('GET', '/api/workflows/runs', {
      token: stranger.token,
      ip: ip(),
    });
    expect(strangers.body.total).toBe(0);
    // nor can it start a run on another workspace's story
    const foreignStory = await B().api('POST', '/api/workflows/runs', {
      token: stranger.token,
      body: { workflow: 'linkedin_post', storyEntryId: story },
      ip: ip(),
    });
    expect(foreignStory.status).toBe(404);

    // the stream: another workspace's run closes with 4404, a bad token with 4401, no auth message with 4401
    const foreign = await openStream(A().url, theirs.id, stranger.token, 0, 'message');
    expect((await foreign.closed).code).toBe(RunStreamCloseCodes.notFound);
    const badToken = await openStream(A().url, theirs.id, `${owner.token}x`, 0, 'protocol');
    expect((await badToken.closed).code).toBe(RunStreamCloseCodes.unauthorized);
  });

  it('rejects bad start requests naming the field', async () => {
    const unknown = await A().api<{ errors: { field: string; message: string }[] }>(
      'POST',
      '/api/workflows/runs',
      { token: owner.token, body: { workflow: 'nope', storyEntryId: story }, ip: ip() },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { field: 'workflow', message: "unknown workflow 'nope'" },
    ]);
    const badBackend = await A().api<{ errors: { field: string }[] }>(
      'POST',
      '/api/workflows/runs',
      {
        token: owner.token,
        body: { workflow: 'linkedin_post', storyEntryId: story, backends: { painter: 'claude' } },
        ip: ip(),
      },
    );
    expect(badBackend.status).toBe(400);
    expect(badBackend.body.errors[0]?.field).toBe('backends.painter');
    const badId = await A().api<{ errors: { field: string }[] }>('POST', '/api/workflows/runs', {
      token: owner.token,
      body: { workflow: 'linkedin_post', storyEntryId: 'x' },
      ip: ip(),
    });
    expect(badId.body.errors[0]?.field).toBe('storyEntryId');
    const noStory = await A().api('POST', '/api/workflows/runs', {
      token: owner.token,
      body: { workflow: 'linkedin_post', storyEntryId: randomUUID() },
      ip: ip(),
    });
    expect(noStory.status).toBe(404);
  });

  it('manages per-workspace definitions: a bad one is a 400 listing every problem with its line', async () => {
    const broken = `workflow:
  name: broken
  initial_state: start
  states:
    start:
      type: initial
      transitions:
        - { target: nowhere, condition: always }
    draft:
      type: fan-in
    done:
      type: terminal
`;
    const res = await saveWorkflow(broken);
    expect(res.status).toBe(400);
    const problem = res.body as {
      detail: string;
      errors: { field: string; message: string }[];
      diagnostics: { line: number; message: string }[];
    };
    expect(problem.detail).toContain('workflow.yaml:8:');
    expect(problem.detail).toContain("'nowhere'");
    expect(problem.detail).toContain('workflow.yaml:10:');
    expect(problem.detail).toContain('fan-in');
    expect(problem.errors.length).toBeGreaterThanOrEqual(2);
    expect(problem.diagnostics.every((d) => d.line > 0)).toBe(true);

    const validate = await A().api<{ ok: boolean; errors: unknown[] }>(
      'POST',
      '/api/workflows/definitions/validate',
      { token: viewer.token, body: { source: broken }, ip: ip() },
    );
    expect(validate.body.ok).toBe(false);
    expect(validate.body.errors.length).toBe(problem.errors.length);
    expect((await saveWorkflow(LOOP_WORKFLOW, viewer)).status).toBe(403);
    expect((await saveWorkflow(LOOP_WORKFLOW)).status).toBe(200); // replaced
    const list = await A().api<WorkflowDefinitionSummary[]>('GET', '/api/workflows/definitions', {
      token: viewer.token,
      ip: ip(),
    });
    expect(list.body.map((d) => [d.name, d.builtIn])).toEqual(
      expect.arrayContaining([
        ['linkedin_post', true],
        ['loop_forever', false],
      ]),
    );
    const builtIn = await A().api<{ source: string; states: { name: string }[] }>(
      'GET',
      '/api/workflows/definitions/linkedin_post',
      { token: viewer.token, ip: ip() },
    );
    expect(builtIn.body.states.map((s) => s.name)).toContain('synthesize');
    // another workspace sees the built-ins only
    const theirs = await B().api<WorkflowDefinitionSummary[]>('GET', '/api/workflows/definitions', {
      token: stranger.token,
      ip: ip(),
    });
    expect(theirs.body.every((d) => d.builtIn)).toBe(true);
    expect(
      (
        await B().api('GET', '/api/workflows/definitions/loop_forever', {
          token: stranger.token,
          ip: ip(),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await A().api('DELETE', '/api/workflows/definitions/judge_badly', {
          token: editor.token,
          ip: ip(),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await A().api('DELETE', '/api/workflows/definitions/judge_badly', {
          token: owner.token,
          ip: ip(),
        })
      ).status,
    ).toBe(204);
  });

  it('the main job (demo command) starts the default workflow, prints its live progress, auto-approves and prints the post', async () => {
    const lines: string[] = [];
    const options = mainJobOptions(
      [
        '--url',
        A().url,
        '--story-entry',
        story,
        '--token',
        owner.token,
        '--ready-timeout-ms',
        '5000',
      ],
      {},
    );
    const result = await runMainJob(options, {
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
    });
    expect(result.status).toBe('completed');
    // colours are on when the runner forces them (nx does)
    // eslint-disable-next-line no-control-regex -- ANSI escape sequences
    const text = lines.join('\n').replace(/\x1b\[[0-9;]*m/g, '');
    for (const state of ['draft', 'audit', 'revise', 'synthesize', 'review', 'complete'])
      expect(text).toContain(`▸ ${state}`);
    expect(text).toContain('writer_claude simulated/simulated-1 (simulated)');
    expect(text).toContain('approved automatically (demo)');
    expect(text).toContain(`Finished post\n\n${result.finalPost}`);
    expect(text).not.toMatch(/^ERR/m);
  });

  it('guards every route, has no schema drift, and serves health and the OpenAPI document', async () => {
    const open = listRoutes(A().app)
      .filter((r) => r.isPublic)
      .map((r) => `${r.method} ${r.path}`);
    expect(open.every((r) => /^GET \/(health\/|metrics$)/.test(r))).toBe(true);
    const ds = A().app.get<DataSource>(getDataSourceToken('orchestration'));
    expect(await pendingSchemaChanges(ds)).toEqual([]);
    const ready = await A().api<{ checks: Record<string, unknown> }>('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks).sort()).toEqual([
      'database:orchestration',
      'nats',
      'redis',
    ]);
    const doc = await A().api<{ paths: Record<string, unknown> }>('GET', '/api/docs/openapi.json', {
      ip: ip(),
    });
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/workflows/runs',
        '/api/workflows/runs/{id}/approve',
        '/api/workflows/definitions',
      ]),
    );
    expect(content.requests).toBeGreaterThan(0);
  });
});
