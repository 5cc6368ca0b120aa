import { getDataSourceToken } from '@nestjs/typeorm';
import {
  AGENT_QUEUES,
  AgentJob,
  AgentTask,
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RUN_STARTED_SUBJECT,
  RunDetail,
  RunEvent,
  RunEventPage,
  RunList,
  RunStreamCloseCodes,
  RunSummary,
  WorkflowDefinitionSummary,
} from '@postmagiq/contracts';
import {
  listRoutes,
  pendingSchemaChanges,
  bullConnection,
  RedisService,
} from '@postmagiq/platform';
import { nextTestIp, startTestInfra, TestInfra } from '@postmagiq/platform/testing';
import { renderTaskMaterial } from '@postmagiq/prompts';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { mainJobOptions, runMainJob } from './demo/main-job';
import { earlyKey } from './engine/agent-dispatcher.service';
import { RecoveryService } from './engine/recovery.service';
import { RedisBreakerCounterStore } from './breaker/redis-breaker-counter-store';
import { STEPS_QUEUE } from './engine/queue-names';
import type { ContentResponder } from './testing/content-responder';
import { readStream } from './testing/jetstream-reader';
import { ServiceProcess, spawnSimulatedWorker, waitFor } from './testing/processes';
import { Replica, startReplicas } from './testing/replicas';
import { ageRun } from './testing/age-run';
import { failingJudgeWorkflow } from './testing/workflows';
import type { TestIdentity, TestUser } from './testing/test-identity';
import { startTestbed, type Testbed } from './testing/testbed';
import { openStream } from './testing/ws-client';

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

describe('orchestration service (two replicas, real Redis, NATS, embedded Postgres, the simulated agent worker)', () => {
  let infra: TestInfra;
  let bed: Testbed;
  let identity: TestIdentity;
  let content: ContentResponder;
  let worker: ServiceProcess;
  let dataDir: string;
  const replicas: Replica[] = [];
  let workspace: string;
  const otherWorkspace = randomUUID();
  let story: string;
  let owner: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;

  const A = () => replicas[0] as Replica;
  const B = () => replicas[1] as Replica;

  beforeAll(async () => {
    infra = await startTestInfra();
    bed = await startTestbed(infra.natsUrl, 'orchestration');
    ({ identity, content, dataDir, workspace, story } = bed);
    const workerStarted = spawnSimulatedWorker({ ...infra.env });
    replicas.push(
      ...(await startReplicas(2, {
        ...infra.env,
        DATA_DIR: dataDir,
        IDENTITY_JWKS_URL: identity.jwksUrl,
        ORCHESTRATION_SWEEP_INTERVAL_MS: '1000',
        ORCHESTRATION_SWEEP_GRACE_MS: '3000',
        // openai counts as configured, so its calls go to agents.openai, which no worker consumes here
        OPENAI_API_KEY: 'sk-test-no-worker',
      })),
    );
    worker = await workerStarted;
    [owner, editor, viewer, stranger] = await Promise.all([
      identity.user(workspace, 'owner'),
      identity.user(workspace, 'editor'),
      identity.user(workspace, 'viewer'),
      identity.user(otherWorkspace, 'owner'),
    ]);
  });

  afterAll(async () => {
    for (const r of replicas) await r.app.close();
    await worker?.kill('SIGTERM');
    await bed?.stop();
    await infra?.stop();
  });

  const ip = nextTestIp;

  async function startRun(
    user: TestUser,
    body: Record<string, unknown>,
    replica = A(),
  ): Promise<RunSummary> {
    const res = await replica.api<RunSummary>('POST', '/api/workflows/runs', {
      token: user.token,
      body,
      ip: ip(),
    });
    if (res.status !== 201)
      throw new Error(`start answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function detail(id: string, user = owner, replica = A()): Promise<RunDetail> {
    const res = await replica.api<RunDetail>('GET', `/api/workflows/runs/${id}`, {
      token: user.token,
      ip: ip(),
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Polls the run's detail; waits on the sweep poll slower (the owner's rate limit is 100 a minute). */
  function waitStatus(
    id: string,
    statuses: string[],
    timeoutMs = 60_000,
    everyMs = 100,
  ): Promise<RunDetail> {
    return waitFor(
      async () => {
        const d = await detail(id);
        return statuses.includes(d.status) ? d : null;
      },
      timeoutMs,
      `run ${id} to be ${statuses.join('|')}`,
      everyMs,
    );
  }

  async function allEvents(id: string): Promise<RunEvent[]> {
    const res = await A().api<RunEventPage>(
      'GET',
      `/api/workflows/runs/${id}/events?after=0&limit=1000`,
      { token: owner.token, ip: ip() },
    );
    expect(res.status).toBe(200);
    return res.body.events;
  }

  function agentQueue(backend: keyof typeof AGENT_QUEUES): Queue {
    return new Queue(AGENT_QUEUES[backend], bullConnection(infra.redisUrl));
  }

  /** The three draft calls of a run whose writers' queue nobody consumes, once all wait there. */
  /**
   * A run whose writers go to agents.openai, which nobody consumes here: its fan-out never settles
   * and its three draft jobs wait on that queue. The caller closes `queue`.
   */
  async function stuckFanOut() {
    const run = await startRun(owner, {
      workflow: 'linkedin_post',
      storyEntryId: story,
      backends: { writer: 'openai' },
    });
    const queue = agentQueue('openai');
    try {
      const drafts = await waitFor(
        async () => {
          const calls = (await detail(run.id)).agentCalls.filter((c) => c.state === 'draft');
          return calls.length === 3 ? calls : null;
        },
        20_000,
        'the draft calls',
      );
      const ids = drafts.map((c) => c.callId);
      const states = () => Promise.all(ids.map(async (id) => (await queue.getJob(id))?.getState()));
      await waitFor(
        async () => (await states()).every((s) => s === 'waiting'),
        10_000,
        'jobs queued',
      );
      return { run, queue, ids, states };
    } catch (e) {
      await queue.close();
      throw e;
    }
  }

  function expectContiguous(events: RunEvent[]): void {
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  }

  async function saveWorkflow(source: string, user = owner) {
    return A().api<Record<string, unknown>>('POST', '/api/workflows/definitions', {
      token: user.token,
      body: { source },
      ip: ip(),
    });
  }

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

  it('a rejection with feedback loops back to the synthesizer, streaming its tokens live; an edit completes with the reviewer’s text', async () => {
    const run = await startRun(editor, { workflow: 'linkedin_post', storyEntryId: story }, B());
    const waiting = await waitStatus(run.id, ['awaiting_approval']);
    expect(waiting.approval?.state).toBe('review');
    const stream = await openStream(A().url, run.id, editor.token, waiting.lastEventSeq, 'message');
    await waitFor(() => stream.messages.find((m) => m.type === 'ready'), 10_000, 'ready');

    const feedback = 'Shorter, and end with a question for the reader.';
    const rejected = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/reject`, {
      token: editor.token,
      body: { feedback },
      ip: ip(),
    });
    expect(rejected.status).toBe(200);
    await stream.waitForEvent((e) => e.type === 'approval.requested');
    const events = stream.events();
    expect(events[0]?.seq).toBe(waiting.lastEventSeq + 1);
    expect(events.map((e) => e.type)).toEqual([
      'transition',
      'state.entered',
      'agent.started',
      'agent.finished',
      'transition',
      'state.entered',
      'approval.requested',
    ]);
    expect(events[0]).toMatchObject({ from: 'review', to: 'synthesize' });
    expect(events[1]).toMatchObject({ state: 'synthesize', visit: 2 });
    // the feedback is in the second synthesizer call's task, as the worker got it off its queue,
    // and so in the prompt's per-call material; the first call had none
    const synthesizeCalls = (await detail(run.id)).agentCalls.filter(
      (c) => c.state === 'synthesize',
    );
    expect(synthesizeCalls.map((c) => c.backend)).toEqual(['simulated', 'simulated']);
    const simulated = agentQueue('simulated');
    try {
      const tasks = await Promise.all(
        synthesizeCalls.map(async (c) => (await simulated.getJob(c.callId))?.data as AgentJob),
      );
      expect(tasks.map((j) => j.task.feedback)).toEqual([null, feedback]);
      expect(renderTaskMaterial(tasks[1]?.task as AgentTask)).toContain(
        `## Reviewer feedback (takes priority)\n${feedback}`,
      );
    } finally {
      await simulated.close();
    }
    // tokens are live-only, outside the seq space, in order per call; workers may batch the tokens
    // of one event-loop turn into one chunk, so what counts is that the chunks add up to the post
    const tokens = stream.messages.flatMap((m) => (m.type === 'agent.token' ? [m.chunk] : []));
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens.map((t) => t.agent))).toEqual(new Set(['synthesizer']));
    expect(tokens.map((t) => t.index)).toEqual(tokens.map((_, i) => i));
    const approval = events.find((e) => e.type === 'approval.requested');
    expect(tokens.map((t) => t.text).join('')).toBe(
      approval?.type === 'approval.requested' ? approval.post : null,
    );

    // a decision is taken once per visit
    const edited = await A().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/edit`, {
      token: owner.token,
      body: { text: 'My own words, final.' },
      ip: ip(),
    });
    expect(edited.body.status).toBe('completed');
    const again = await A().api<{ type: string }>('POST', `/api/workflows/runs/${run.id}/approve`, {
      token: owner.token,
      ip: ip(),
    });
    expect(again.status).toBe(409);
    expect(
      (await stream.waitForEvent((e) => e.type === 'run.finished')).type === 'run.finished',
    ).toBe(true);
    await stream.close();
    const d = await detail(run.id);
    expect(d.finalPost).toBe('My own words, final.');
    expect(d.visits.map((v) => v.state)).toEqual([
      'start',
      'draft',
      'audit',
      'revise',
      'audit',
      'synthesize',
      'review',
      'synthesize',
      'review',
      'complete',
    ]);
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

  it('a client that reconnects with its last seq misses nothing and gets nothing twice', async () => {
    const run = await startRun(owner, { workflow: 'linkedin_post', storyEntryId: story });
    const first = await openStream(A().url, run.id, owner.token, 0, 'message');
    await waitFor(() => first.events().length >= 4, 30_000, 'the first events');
    await first.close();
    const seen = first.events();
    const lastSeq = seen.at(-1)?.seq ?? 0;
    const second = await openStream(B().url, run.id, owner.token, lastSeq, 'protocol');
    await second.waitForEvent((e) => e.type === 'approval.requested', 90_000);
    await A().api('POST', `/api/workflows/runs/${run.id}/approve`, {
      token: owner.token,
      ip: ip(),
    });
    await second.waitForEvent((e) => e.type === 'run.finished');
    await second.close();
    const merged = [...seen, ...second.events()];
    expect(second.events()[0]?.seq).toBe(lastSeq + 1);
    expectContiguous(merged);
    expect(merged).toEqual(await allEvents(run.id));
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
