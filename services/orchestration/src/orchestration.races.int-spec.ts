import { Logger } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AGENT_QUEUES, RunSummary } from '@postmagiq/contracts';
import { bullConnection } from '@postmagiq/platform';
import {
  Managed,
  nextTestIp,
  PostgresServer,
  type ServiceProcess,
  startNats,
  startPostgresServer,
  startRedis,
  type TestCaller,
  TestTokenIssuer,
  waitFor,
} from '@postmagiq/platform/testing';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { RecoveryService } from './engine/recovery.service';
import { spawnSimulatedWorker } from './testing/simulated-worker';
import { Replica, startReplicas } from './testing/replicas';
import { startTestbed, type Testbed } from './testing/testbed';
import { ageRun } from './testing/age-run';

jest.setTimeout(180_000);

/**
 * Races only a real PostgreSQL server shows: the embedded Postgres runs one session, so it
 * serialises every transaction and would pass these whatever the locking (the step's
 * `SELECT … FOR UPDATE` of the run row, two replicas' recovery sweeps). Only orchestration has a
 * database here (identity and content are played by the helpers in `src/testing/`, the agent
 * worker has none), so both replicas run on the throw-away server and no embedded Postgres starts.
 */
describe('orchestration on a PostgreSQL server: two replicas racing on the same rows', () => {
  let redis: Managed;
  let nats: Managed;
  let pg: PostgresServer;
  let bed: Testbed;
  let identity: TestTokenIssuer;
  let worker: ServiceProcess;
  let dataDir: string;
  let owner: TestCaller;
  let db: DataSource;
  const replicas: Replica[] = [];
  let workspace: string;
  let story: string;

  const A = () => replicas[0] as Replica;
  // what the replicas warn about (cleared before each test): a step job or sweep that failed is
  // how a collision shows when only a primary key stopped it
  const warn = jest.spyOn(Logger.prototype, 'warn');
  const failures = () =>
    warn.mock.calls
      .map(([message]) => String(message))
      .filter((m) => /sweep failed|^step .* failed/.test(m));

  beforeAll(async () => {
    [redis, nats, pg] = await Promise.all([startRedis(), startNats(), startPostgresServer()]);
    const infraEnv = { REDIS_URL: redis.url, NATS_URL: nats.url };
    bed = await startTestbed(nats.url, 'orchestration-races');
    ({ identity, dataDir, workspace, story } = bed);
    const workerStarted = spawnSimulatedWorker({ ...infraEnv });
    // the first replica runs the migrations on the server
    replicas.push(
      ...(await startReplicas(2, {
        ...infraEnv,
        DATABASE_URL: pg.url,
        DATA_DIR: dataDir,
        IDENTITY_JWKS_URL: identity.jwksUrl,
        ORCHESTRATION_SWEEP_INTERVAL_MS: '1000',
        ORCHESTRATION_SWEEP_GRACE_MS: '3000',
        // openai counts as configured, so its calls go to agents.openai, which no worker consumes here
        OPENAI_API_KEY: 'sk-test-no-worker',
      })),
    );
    db = A().app.get<DataSource>(getDataSourceToken('orchestration'));
    // the replicas really are on the server, not on an embedded Postgres
    const [server] = await db.query<{ version: string }[]>('SELECT version()');
    expect(server?.version).toMatch(/^PostgreSQL 1\d/);
    worker = await workerStarted;
    owner = await identity.caller('owner', workspace);
  });

  afterAll(async () => {
    for (const r of replicas) await r.app.close();
    await worker?.kill('SIGTERM');
    await bed?.stop();
    await Promise.all([redis?.stop(), nats?.stop(), pg?.stop()]);
  });

  async function startRun(body: Record<string, unknown>, replica: Replica): Promise<RunSummary> {
    const res = await replica.api<RunSummary>('POST', '/api/workflows/runs', {
      token: owner.token,
      body,
      ip: nextTestIp(),
    });
    if (res.status !== 201)
      throw new Error(`start answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function statuses(ids: string[]): Promise<Map<string, string>> {
    const rows = await db.query<{ id: string; status: string }[]>(
      'SELECT "id", "status" FROM "orchestration"."runs" WHERE "id" = ANY($1)',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /** seqs per run of a table keyed (run_id, seq), in order. */
  async function seqs(table: 'transitions' | 'run_events', ids: string[]) {
    const rows = await db.query<{ run_id: string; seqs: number[] }[]>(
      `SELECT "run_id", array_agg("seq" ORDER BY "seq") AS seqs FROM "orchestration"."${table}"
       WHERE "run_id" = ANY($1) GROUP BY "run_id"`,
      [ids],
    );
    return new Map(rows.map((r) => [r.run_id, r.seqs]));
  }

  async function eventTypes(runId: string): Promise<string[]> {
    const rows = await db.query<{ type: string }[]>(
      'SELECT "type" FROM "orchestration"."run_events" WHERE "run_id" = $1 ORDER BY "seq"',
      [runId],
    );
    return rows.map((r) => r.type);
  }

  it('two replicas step a dozen runs at once, each approved through both at once: one approval wins, transitions and events contiguous, each call recorded once', async () => {
    const before = await Promise.all(replicas.map((r) => r.stepJobs()));
    const runs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        startRun({ workflow: 'linkedin_post', storyEntryId: story }, replicas[i % 2] as Replica),
      ),
    );
    const ids = runs.map((r) => r.id);
    const approved = new Set<string>();
    // per run: what the two replicas answered to the same approval sent to both at once
    const answers: string[][] = [];
    await waitFor(
      async () => {
        const now = await statuses(ids);
        const bad = [...now].filter(([, s]) => ['failed', 'halted', 'cancelled'].includes(s));
        if (bad.length) throw new Error(`runs ended badly: ${JSON.stringify(bad)}`);
        // approve each as it asks, through both replicas at once: they take turns on the row lock
        await Promise.all(
          ids
            .filter((id) => now.get(id) === 'awaiting_approval' && !approved.has(id))
            .map(async (id) => {
              approved.add(id);
              const res = await Promise.all(
                replicas.map((r) =>
                  r.api<RunSummary>('POST', `/api/workflows/runs/${id}/approve`, {
                    token: owner.token,
                    ip: nextTestIp(),
                  }),
                ),
              );
              answers.push(
                res
                  .map((r) => (r.status === 200 ? `200 ${r.body.status}` : String(r.status)))
                  .sort(),
              );
            }),
        );
        return ids.every((id) => now.get(id) === 'completed');
      },
      90_000,
      'every run completed',
      200,
    );
    // one approval wins; the other finds the run completed (without the lock both would read it
    // awaiting approval, and the loser's insert would hit a primary key: a 500)
    expect(answers).toEqual(ids.map(() => ['200 completed', '409']));

    const transitions = await seqs('transitions', ids);
    const events = await seqs('run_events', ids);
    for (const id of ids) {
      const t = transitions.get(id) ?? [];
      // seq 0 enters the initial state; the default workflow passes at least draft, audit,
      // synthesize, approval and the terminal state
      expect(t.length).toBeGreaterThanOrEqual(5);
      expect(t).toEqual(t.map((_, i) => i));
      const e = events.get(id) ?? [];
      expect(e).toEqual(e.map((_, i) => i + 1));
      const types = await eventTypes(id);
      expect(types.filter((x) => x === 'run.finished')).toHaveLength(1);
      expect(types.at(-1)).toBe('run.finished');
    }
    const runRows = await db.query<{ id: string; event_seq: number; finish_count: number }[]>(
      'SELECT "id", "event_seq", "finish_count" FROM "orchestration"."runs" WHERE "id" = ANY($1)',
      [ids],
    );
    for (const r of runRows) {
      expect(r.event_seq).toBe(events.get(r.id)?.length);
      expect(r.finish_count).toBe(1);
    }

    // one row per call id, one call per agent of a visit, and every one of them back
    const dupCalls = await db.query<unknown[]>(
      `SELECT "call_id", count(*) FROM "orchestration"."agent_calls" WHERE "run_id" = ANY($1)
       GROUP BY "call_id" HAVING count(*) > 1`,
      [ids],
    );
    expect(dupCalls).toEqual([]);
    const dupAgents = await db.query<unknown[]>(
      `SELECT "run_id", "seq", "position", count(*) FROM "orchestration"."agent_calls"
       WHERE "run_id" = ANY($1) GROUP BY "run_id", "seq", "position" HAVING count(*) > 1`,
      [ids],
    );
    expect(dupAgents).toEqual([]);
    const calls = await db.query<{ run_id: string; n: string; ok: string }[]>(
      `SELECT "run_id", count(*)::text AS n, count(*) FILTER (WHERE "status" = 'succeeded')::text AS ok
       FROM "orchestration"."agent_calls" WHERE "run_id" = ANY($1) GROUP BY "run_id"`,
      [ids],
    );
    expect(calls).toHaveLength(ids.length);
    for (const c of calls) {
      // three drafts, an audit and a synthesis at least
      expect(Number(c.n)).toBeGreaterThanOrEqual(5);
      expect(c.ok).toBe(c.n);
    }
    // every call a step job recorded belongs to a transition of its run (no orphan of a rolled-back step)
    const orphans = await db.query<unknown[]>(
      `SELECT c."call_id" FROM "orchestration"."agent_calls" c
       LEFT JOIN "orchestration"."transitions" t ON t."run_id" = c."run_id" AND t."seq" = c."seq"
       WHERE c."run_id" = ANY($1) AND t."run_id" IS NULL`,
      [ids],
    );
    expect(orphans).toEqual([]);

    expect(failures()).toEqual([]);
    // both replicas took step jobs
    const after = await Promise.all(replicas.map((r) => r.stepJobs()));
    const processed = after.map((n, i) => n - (before[i] as number));
    expect(processed.every((n) => n > 0)).toBe(true);
  });

  it('both replicas sweeping at once halt a run stuck past its hard runtime limit exactly once', async () => {
    // the writers go to agents.openai, which nobody consumes here: the fan-out never settles
    const run = await startRun(
      { workflow: 'linkedin_post', storyEntryId: story, backends: { writer: 'openai' } },
      A(),
    );
    const queue = new Queue(AGENT_QUEUES.openai, bullConnection(redis.url));
    try {
      const ids = await waitFor(
        async () => {
          const rows = await db.query<{ call_id: string }[]>(
            `SELECT "call_id" FROM "orchestration"."agent_calls" WHERE "run_id" = $1 AND "state" = 'draft'`,
            [run.id],
          );
          return rows.length === 3 ? rows.map((r) => r.call_id) : null;
        },
        20_000,
        'the draft calls',
      );
      const states = () => Promise.all(ids.map(async (id) => (await queue.getJob(id))?.getState()));
      await waitFor(
        async () => (await states()).every((s) => s === 'waiting'),
        10_000,
        'jobs queued',
      );

      // as if it had been running for 61 minutes: past the hard limit of 60, never transitioning
      await ageRun(A().app, run.id, 61 * 60_000);
      // both replicas sweep at once, several times (besides their own timers)
      for (let i = 0; i < 4; i += 1)
        await Promise.all(replicas.map((r) => r.app.get(RecoveryService).sweep()));

      const halted = await waitFor(
        async () => {
          const rows = await db.query<{ status: string; reason: string | null }[]>(
            'SELECT "status", "reason" FROM "orchestration"."runs" WHERE "id" = $1',
            [run.id],
          );
          return rows[0]?.status === 'running' ? null : rows[0];
        },
        20_000,
        'the run halted',
        250,
      );
      expect(halted).toMatchObject({ status: 'halted' });
      expect(halted.reason).toMatch(
        /^circuit breaker: the run has been running for 6\d\.\d minutes; the hard limit is 60 minutes$/,
      );
      expect(await states()).toEqual([undefined, undefined, undefined]);

      const events = await db.query<
        { seq: number; type: string; event: Record<string, unknown> }[]
      >(
        'SELECT "seq", "type", "event" FROM "orchestration"."run_events" WHERE "run_id" = $1 ORDER BY "seq"',
        [run.id],
      );
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'breaker.tripped').map((e) => e.event)).toEqual([
        expect.objectContaining({ state: 'draft', limit: 'runtime_minutes', soft: false }),
      ]);
      expect(events.filter((e) => e.type === 'run.finished')).toHaveLength(1);
      expect(events.at(-1)?.event).toMatchObject({ type: 'run.finished', status: 'halted' });
      const [row] = await db.query<{ finish_count: number }[]>(
        'SELECT "finish_count" FROM "orchestration"."runs" WHERE "id" = $1',
        [run.id],
      );
      expect(row?.finish_count).toBe(1);
      // the replica that came second waited for the lock and found the run halted: no collision
      expect(failures()).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
