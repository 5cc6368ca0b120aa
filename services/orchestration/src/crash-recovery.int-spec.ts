import {
  AGENT_USAGE_SUBJECT,
  RunDetail,
  RunEvent,
  RunEventPage,
  RunSummary,
  USAGE_STREAM,
} from '@postmagiq/contracts';
import { bullConnection } from '@postmagiq/platform';
import {
  apiClient,
  nextTestIp,
  readStream,
  type ServiceProcess,
  spawnService,
  startTestInfra,
  type TestCaller,
  TestInfra,
  TestTokenIssuer,
  waitFor,
} from '@postmagiq/platform/testing';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { spawnSimulatedWorker } from './testing/simulated-worker';
import { startTestbed, type Testbed } from './testing/testbed';

jest.setTimeout(300_000);

/**
 * Processes die the hard way here: orchestration is SIGKILLed right after committing a step (before
 * its jobs are enqueued) — twice, at the fan-out and later — and an agent worker is SIGKILLed with
 * calls in hand. The run must still end with contiguous transitions, one event log without gaps,
 * and exactly one usage event per agent call.
 */
describe('crash recovery (orchestration and agent workers as processes, SIGKILL)', () => {
  let infra: TestInfra;
  let bed: Testbed;
  let identity: TestTokenIssuer;
  let dataDir: string;
  let db: Client;
  const processes: ServiceProcess[] = [];
  let workspace: string;
  let story: string;
  let owner: TestCaller;

  beforeAll(async () => {
    infra = await startTestInfra();
    bed = await startTestbed(infra.natsUrl, 'orchestration-crash');
    ({ identity, dataDir, workspace, story } = bed);
    owner = await identity.caller('owner', workspace);
    db = new Client({ connectionString: infra.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await db?.end();
    await bed?.stop();
    await infra?.stop();
  });

  /** An orchestration process; `killAfterCommit`: it SIGKILLs itself after committing that transition. */
  function orchestration(killAfterCommit?: number): Promise<ServiceProcess> {
    const started = spawnService(
      'services/orchestration/src/testing/killed-after-commit.main.ts',
      {
        ...infra.env,
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        IDENTITY_JWKS_URL: identity.jwksUrl,
        ORCHESTRATION_SWEEP_INTERVAL_MS: '500',
        ORCHESTRATION_SWEEP_GRACE_MS: '500',
        ORCHESTRATION_STEP_LOCK_MS: '3000',
        BILLING_HOLDS: 'off',
        ...(killAfterCommit !== undefined
          ? { KILL_AFTER_COMMIT_SEQ: String(killAfterCommit) }
          : {}),
      },
      'ready',
    );
    return started.then((p) => {
      processes.push(p);
      return p;
    });
  }

  function worker(latencyMs: number): Promise<ServiceProcess> {
    return spawnSimulatedWorker({
      ...infra.env,
      SIMULATED_LATENCY_MS: String(latencyMs),
      AGENT_LOCK_DURATION_MS: '2000',
      AGENT_STALLED_INTERVAL_MS: '1000',
      AGENT_MAX_STALLED_COUNT: '5',
    }).then((p) => {
      processes.push(p);
      return p;
    });
  }

  const urlOf = (p: ServiceProcess) => `http://127.0.0.1:${String(p.ready['port'])}`;

  async function runRow(
    id: string,
  ): Promise<{ status: string; seq: number; dispatched_seq: number }> {
    const { rows } = await db.query(
      'SELECT status, seq, dispatched_seq FROM orchestration.runs WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  it('a run survives SIGKILL of orchestration between two steps (twice) and of an agent worker mid-job', async () => {
    const steps = new Queue('agents.simulated', bullConnection(infra.redisUrl));
    try {
      const slowWorker = await worker(1500);
      // 1. dies right after committing transition 1 (entering the fan-out), before its jobs are enqueued
      const first = await orchestration(1);
      // the process dies inside this request, right after the commit: no answer, the run exists
      await apiClient(urlOf(first))('POST', '/api/workflows/runs', {
        token: owner.token,
        body: { workflow: 'linkedin_post', storyEntryId: story },
        ip: nextTestIp(),
      }).catch(() => null);
      await first.exited;
      expect(first.child.signalCode).toBe('SIGKILL');
      const { rows } = await db.query('SELECT id FROM orchestration.runs WHERE workspace_id = $1', [
        workspace,
      ]);
      const runId = rows[0].id as string;
      expect(await runRow(runId)).toMatchObject({ status: 'running', seq: 1, dispatched_seq: -1 });

      // 2. the next process finds the undispatched fan-out; an agent worker is killed with its calls in hand
      const second = await orchestration(3);
      await waitFor(
        async () => (await steps.getActiveCount()) > 0,
        30_000,
        'agent calls in progress',
      );
      slowWorker.child.kill('SIGKILL');
      await slowWorker.exited;
      await worker(50);
      // …and this orchestration process dies after committing transition 3 (revise), before enqueueing it
      await second.exited;
      expect(second.child.signalCode).toBe('SIGKILL');
      expect(await runRow(runId)).toMatchObject({ status: 'running', seq: 3, dispatched_seq: 2 });

      // 3. a healthy process recovers it and serves the approval
      const third = await orchestration();
      const api = apiClient(urlOf(third));
      const d = await waitFor(
        async () => {
          const res = await api<RunDetail>('GET', `/api/workflows/runs/${runId}`, {
            token: owner.token,
            ip: nextTestIp(),
          });
          return res.body.status === 'awaiting_approval' ? res.body : null;
        },
        60_000,
        'the recovered run to await approval',
        200,
      );
      expect(d.visits.map((v) => v.state)).toEqual([
        'start',
        'draft',
        'audit',
        'revise',
        'audit',
        'synthesize',
        'review',
      ]);
      const approved = await api<RunSummary>('POST', `/api/workflows/runs/${runId}/approve`, {
        token: owner.token,
        ip: nextTestIp(),
      });
      expect(approved.body.status).toBe('completed');

      const done = (
        await api<RunDetail>('GET', `/api/workflows/runs/${runId}`, {
          token: owner.token,
          ip: nextTestIp(),
        })
      ).body;
      expect(done.visits.map((v) => v.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(done.finalPost?.length).toBeGreaterThan(100);
      const { rows: transitions } = await db.query(
        'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct_seqs, max(seq) AS max FROM orchestration.transitions WHERE run_id = $1',
        [runId],
      );
      expect(transitions[0]).toEqual({ n: 8, distinct_seqs: 8, max: 7 });
      const events = (
        await api<RunEventPage>('GET', `/api/workflows/runs/${runId}/events?limit=1000`, {
          token: owner.token,
          ip: nextTestIp(),
        })
      ).body.events;
      expect(events.map((e: RunEvent) => e.seq)).toEqual(
        events.map((_: RunEvent, i: number) => i + 1),
      );
      expect(events.filter((e: RunEvent) => e.type === 'run.finished')).toHaveLength(1);

      // every agent call ran to one result and was metered exactly once
      expect(done.agentCalls).toHaveLength(7);
      expect(done.agentCalls.every((c) => c.status === 'succeeded')).toBe(true);
      const callIds = done.agentCalls.map((c) => c.callId);
      const usage = await waitFor(
        async () => {
          const msgs = (await readStream(infra.natsUrl, USAGE_STREAM)).filter(
            (m) => m.subject === AGENT_USAGE_SUBJECT && m.data['runId'] === runId,
          );
          return msgs.length >= callIds.length ? msgs : null;
        },
        20_000,
        'one usage event per agent call',
      );
      expect(usage.map((m) => m.msgId).sort()).toEqual([...callIds].sort());
      expect(usage.map((m) => m.data['callId']).sort()).toEqual([...callIds].sort());
    } finally {
      await steps.close();
    }
  });
});
