import { AGENT_QUEUES, RunDetail, RunEvent, RunEventPage, RunSummary } from '@postmagiq/contracts';
import { bullConnection } from '@postmagiq/platform';
import {
  nextTestIp,
  type ServiceProcess,
  suiteTestInfra,
  type TestCaller,
  type TestInfra,
  type TestTokenIssuer,
  waitFor,
} from '@postmagiq/platform/testing';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { ContentResponder } from './content-responder';
import { type Replica, startReplicas } from './replicas';
import { spawnSimulatedWorker } from './simulated-worker';
import { startTestbed, type Testbed } from './testbed';

/** The environment the stack's replicas run with (besides the infrastructure's). */
export function stackReplicaEnv(infra: TestInfra, bed: Testbed): Record<string, string> {
  return {
    ...infra.env,
    DATA_DIR: bed.dataDir,
    IDENTITY_JWKS_URL: bed.identity.jwksUrl,
    ORCHESTRATION_SWEEP_INTERVAL_MS: '1000',
    ORCHESTRATION_SWEEP_GRACE_MS: '3000',
    // openai counts as configured, so its calls go to agents.openai, which no worker consumes here
    OPENAI_API_KEY: 'sk-test-no-worker',
  };
}

/**
 * What orchestration's feature suites run against: two replicas in this process, the simulated
 * agent worker as a process, identity (test tokens) and content (a NATS responder) played by the
 * testbed, on the run's shared infrastructure. Call it at the top of a `describe`; its fields are
 * set before the suite's tests, and its helpers act as the workspace's owner unless told.
 */
export interface OrchestrationStack {
  infra: TestInfra;
  bed: Testbed;
  identity: TestTokenIssuer;
  content: ContentResponder;
  worker: ServiceProcess;
  replicas: Replica[];
  workspace: string;
  /** a workspace nobody of `workspace` belongs to; `stranger` owns it */
  otherWorkspace: string;
  story: string;
  owner: TestCaller;
  editor: TestCaller;
  viewer: TestCaller;
  stranger: TestCaller;
  A(): Replica;
  B(): Replica;
  /** A client address per request (the rate limits are per address). */
  ip(): string;
  startRun(user: TestCaller, body: Record<string, unknown>, replica?: Replica): Promise<RunSummary>;
  detail(id: string, user?: TestCaller, replica?: Replica): Promise<RunDetail>;
  /** Polls the run's detail; waits on the sweep poll slower (the owner's rate limit is 100 a minute). */
  waitStatus(
    id: string,
    statuses: string[],
    timeoutMs?: number,
    everyMs?: number,
  ): Promise<RunDetail>;
  allEvents(id: string): Promise<RunEvent[]>;
  agentQueue(backend: keyof typeof AGENT_QUEUES): Queue;
  /**
   * A run whose writers go to agents.openai, which nobody consumes here: its fan-out never settles
   * and its three draft jobs wait on that queue. The caller closes `queue`.
   */
  stuckFanOut(): Promise<{
    run: RunSummary;
    queue: Queue;
    ids: string[];
    states: () => Promise<Array<string | undefined>>;
  }>;
  expectContiguous(events: RunEvent[]): void;
  saveWorkflow(
    source: string,
    user?: TestCaller,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

export function useOrchestrationStack(): OrchestrationStack {
  const fx = {} as OrchestrationStack;
  const helpers: Partial<OrchestrationStack> = {
    replicas: [],
    otherWorkspace: randomUUID(),
    A: () => fx.replicas[0] as Replica,
    B: () => fx.replicas[1] as Replica,
    ip: nextTestIp,
    async startRun(user: TestCaller, body: Record<string, unknown>, replica = fx.A()) {
      const res = await replica.api<RunSummary>('POST', '/api/workflows/runs', {
        token: user.token,
        body,
        ip: fx.ip(),
      });
      if (res.status !== 201)
        throw new Error(`start answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async detail(id: string, user = fx.owner, replica = fx.A()) {
      const res = await replica.api<RunDetail>('GET', `/api/workflows/runs/${id}`, {
        token: user.token,
        ip: fx.ip(),
      });
      expect(res.status).toBe(200);
      return res.body;
    },
    waitStatus(id: string, statuses: string[], timeoutMs = 60_000, everyMs = 100) {
      return waitFor(
        async () => {
          const d = await fx.detail(id);
          return statuses.includes(d.status) ? d : null;
        },
        timeoutMs,
        `run ${id} to be ${statuses.join('|')}`,
        everyMs,
      );
    },
    async allEvents(id: string) {
      const res = await fx
        .A()
        .api<RunEventPage>('GET', `/api/workflows/runs/${id}/events?after=0&limit=1000`, {
          token: fx.owner.token,
          ip: fx.ip(),
        });
      expect(res.status).toBe(200);
      return res.body.events;
    },
    agentQueue(backend: keyof typeof AGENT_QUEUES) {
      return new Queue(AGENT_QUEUES[backend], bullConnection(fx.infra.redisUrl));
    },
    async stuckFanOut() {
      const run = await fx.startRun(fx.owner, {
        workflow: 'linkedin_post',
        storyEntryId: fx.story,
        backends: { writer: 'openai' },
      });
      const queue = fx.agentQueue('openai');
      try {
        const drafts = await waitFor(
          async () => {
            const calls = (await fx.detail(run.id)).agentCalls.filter((c) => c.state === 'draft');
            return calls.length === 3 ? calls : null;
          },
          20_000,
          'the draft calls',
        );
        const ids = drafts.map((c) => c.callId);
        const states = () =>
          Promise.all(ids.map(async (id) => (await queue.getJob(id))?.getState()));
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
    },
    expectContiguous(events: RunEvent[]) {
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    },
    saveWorkflow(source: string, user = fx.owner) {
      return fx.A().api<Record<string, unknown>>('POST', '/api/workflows/definitions', {
        token: user.token,
        body: { source },
        ip: fx.ip(),
      });
    },
  };
  Object.assign(fx, helpers);

  beforeAll(async () => {
    fx.infra = await suiteTestInfra();
    fx.bed = await startTestbed(fx.infra.natsUrl, 'orchestration');
    ({
      identity: fx.identity,
      content: fx.content,
      workspace: fx.workspace,
      story: fx.story,
    } = fx.bed);
    const workerStarted = spawnSimulatedWorker({ ...fx.infra.env });
    fx.replicas.push(...(await startReplicas(2, stackReplicaEnv(fx.infra, fx.bed))));
    fx.worker = await workerStarted;
    [fx.owner, fx.editor, fx.viewer, fx.stranger] = await Promise.all([
      fx.identity.caller('owner', fx.workspace),
      fx.identity.caller('editor', fx.workspace),
      fx.identity.caller('viewer', fx.workspace),
      fx.identity.caller('owner', fx.otherWorkspace),
    ]);
  });

  afterAll(async () => {
    for (const r of fx.replicas) await r.app.close();
    await fx.worker?.kill('SIGTERM');
    await fx.bed?.stop();
    await fx.infra?.stop();
  });

  return fx;
}
