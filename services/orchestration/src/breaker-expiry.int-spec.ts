import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { RunDetail, RunSummary } from '@postmagiq/contracts';
import { RedisService } from '@postmagiq/platform';
import {
  apiClient,
  nextTestIp,
  type ServiceProcess,
  startTestInfra,
  type TestCaller,
  TestInfra,
  TestTokenIssuer,
  waitFor,
} from '@postmagiq/platform/testing';
import { DataSource } from 'typeorm';
import { RedisBreakerCounterStore } from './breaker/redis-breaker-counter-store';
import { BACKFILL_BREAKER_EXTENDED } from './migrations/1795712258942-RunBreakerExtended';
import { spawnSimulatedWorker } from './testing/simulated-worker';
import { Replica, startReplicas } from './testing/replicas';
import { failingJudgeWorkflow } from './testing/workflows';
import { startTestbed, type Testbed } from './testing/testbed';

jest.setTimeout(120_000);

/**
 * Fails deterministically (a writer cannot answer an AuditResult), and allows one visit per state:
 * a resume re-enters the judge, its second visit, so it halts on the soft limit; the extension
 * redoes the resume, and the judge fails again.
 */
const JUDGE_ONCE_WORKFLOW = failingJudgeWorkflow('judge_once', '{ state_visits: 1 }');

/**
 * The breaker's Redis counters expire a week after a run's last breaker operation. Deleting them
 * here is that expiry: the run's detail and its next step must then rely on the database, which
 * must remember that the run's one soft-limit extension is used.
 */
describe('breaker counters after their Redis expiry (real Redis, NATS, embedded Postgres, the simulated agent worker)', () => {
  let infra: TestInfra;
  let bed: Testbed;
  let identity: TestTokenIssuer;
  let worker: ServiceProcess;
  let app: INestApplication;
  let api: ReturnType<typeof apiClient>;
  let dataDir: string;
  let workspace: string;
  let story: string;
  let owner: TestCaller;

  beforeAll(async () => {
    infra = await startTestInfra();
    bed = await startTestbed(infra.natsUrl, 'orchestration-breaker');
    ({ identity, dataDir, workspace, story } = bed);
    const workerStarted = spawnSimulatedWorker({ ...infra.env });
    const [replica] = await startReplicas(1, {
      ...infra.env,
      DATA_DIR: dataDir,
      IDENTITY_JWKS_URL: identity.jwksUrl,
    });
    ({ app, api } = replica as Replica);
    worker = await workerStarted;
    owner = await identity.caller('owner', workspace);
    const saved = await api('POST', '/api/workflows/definitions', {
      token: owner.token,
      body: { source: JUDGE_ONCE_WORKFLOW },
      ip: nextTestIp(),
    });
    expect(saved.status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await worker?.kill('SIGTERM');
    await bed?.stop();
    await infra?.stop();
  });

  const breaker = () => app.get(RedisBreakerCounterStore);
  const db = () => app.get<DataSource>(getDataSourceToken('orchestration'));

  function call<T>(method: 'GET' | 'POST', path: string) {
    return api<T>(method, `/api/workflows/runs${path}`, { token: owner.token, ip: nextTestIp() });
  }

  async function detail(id: string): Promise<RunDetail> {
    const res = await call<RunDetail>('GET', `/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  function waitStatus(id: string, statuses: string[]): Promise<RunDetail> {
    return waitFor(
      async () => {
        const d = await detail(id);
        return statuses.includes(d.status) ? d : null;
      },
      60_000,
      `run ${id} to be ${statuses.join('|')}`,
      100,
    );
  }

  /** A judge_once run halted by its soft visit limit: started, failed, resumed into the limit. */
  async function softHaltedRun(): Promise<string> {
    const started = await api<RunSummary>('POST', '/api/workflows/runs', {
      token: owner.token,
      body: { workflow: 'judge_once', storyEntryId: story },
      ip: nextTestIp(),
    });
    expect(started.status).toBe(201);
    await waitStatus(started.body.id, ['failed']);
    const resumed = await call<RunSummary>('POST', `/${started.body.id}/resume`);
    expect(resumed.body).toMatchObject({ status: 'halted', extendable: true });
    return started.body.id;
  }

  async function breakerExtendedColumn(id: string): Promise<boolean> {
    const rows: Array<{ breaker_extended: boolean }> = await db().query(
      'SELECT breaker_extended FROM orchestration.runs WHERE id = $1',
      [id],
    );
    return rows[0]?.breaker_extended as boolean;
  }

  let extendedRun = '';

  it('an extended run whose counters expired shows them from the database, extension included, and cannot be extended again', async () => {
    const id = await softHaltedRun();
    expect(await breakerExtendedColumn(id)).toBe(false);
    const extended = await call<RunSummary>('POST', `/${id}/extend`);
    expect(extended.status).toBe(200);
    await waitStatus(id, ['failed']);
    // the step that used the extension wrote it on the run row
    expect(await breakerExtendedColumn(id)).toBe(true);
    const live = (await detail(id)).breaker;
    expect(live).toMatchObject({ transitions: 2, visits: { judge: 2 }, extended: true });

    await app.get(RedisService).client.del(breaker().key(id));
    expect(await breaker().counters(id)).toBeNull();

    // the detail rebuilds what Redis showed (runtime never came from Redis)
    const rebuilt = await detail(id);
    expect(rebuilt.breaker).toEqual({ ...live, elapsedMinutes: expect.any(Number) });
    expect(rebuilt.breaker?.elapsedMinutes).toBeLessThan(5);

    // The resume re-enters the judge a third time: over the soft limit, which the extension
    // lifted. Counters restored as unextended would halt it there and grant a second extension.
    const resumed = await call<RunSummary>('POST', `/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'running', extendable: false });
    const again = await waitStatus(id, ['failed', 'halted']);
    expect(again.status).toBe('failed');
    expect(again.visits.map((v) => [v.seq, v.state, v.condition])).toEqual([
      [0, 'start', null],
      [1, 'judge', 'always'],
      [2, 'judge', 'resume'],
      [3, 'judge', 'resume'],
    ]);
    // the step put the counters back into Redis from the row, the extension with them
    expect(await breaker().counters(id)).toMatchObject({
      transitions: 3,
      visits: { judge: 3 },
      extended: true,
    });
    expect(again.breaker).toMatchObject({ transitions: 3, extended: true });
    const twice = await call<{ detail: string }>('POST', `/${id}/extend`);
    expect(twice.status).toBe(409);
    extendedRun = id;
  });

  it('the migration marks runs extended before the column existed, from their event log', async () => {
    expect(extendedRun).not.toBe('');
    const notExtended = await softHaltedRun();
    await db().query('UPDATE orchestration.runs SET breaker_extended = false WHERE id = $1', [
      extendedRun,
    ]);
    await db().query(BACKFILL_BREAKER_EXTENDED);
    expect(await breakerExtendedColumn(extendedRun)).toBe(true);
    expect(await breakerExtendedColumn(notExtended)).toBe(false);
    // the halted run's one extension is still there to use
    const extended = await call<RunSummary>('POST', `/${notExtended}/extend`);
    expect(extended.status).toBe(200);
    await waitStatus(notExtended, ['failed']);
  });
});
