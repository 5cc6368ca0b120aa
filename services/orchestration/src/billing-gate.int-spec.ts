import {
  BillingEventSubjects,
  CreditAddedEvent,
  RunCreditExhaustedEvent,
  RunDetail,
  RunList,
  RunSummary,
} from '@postmagiq/contracts';
import { connectNats, JetStreamService, PlatformConfig } from '@postmagiq/platform';
import {
  nextTestIp,
  type ServiceProcess,
  startTestInfra,
  type TestCaller,
  TestInfra,
  waitFor,
} from '@postmagiq/platform/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_DB, RunEntity } from './entities';
import { BillingResponder, startBillingResponder } from './testing/billing-responder';
import { Replica, startReplicas } from './testing/replicas';
import { spawnSimulatedWorker } from './testing/simulated-worker';
import { startTestbed, type Testbed } from './testing/testbed';

jest.setTimeout(180_000);

/**
 * Runs and credit: orchestration asks billing (here a responder on real NATS) before and during a run.
 * Infrastructure of its own (not the project's shared one): no other suite's worker may take this
 * suite's jobs before it has marked its run.
 */
describe('billing gate', () => {
  let infra: TestInfra;
  let bed: Testbed;
  let billing: BillingResponder;
  let replica: Replica;
  let owner: TestCaller;
  let js: JetStreamService;
  let closeNats: () => Promise<void>;
  let worker: ServiceProcess | undefined;

  beforeAll(async () => {
    infra = await startTestInfra();
    bed = await startTestbed(infra.natsUrl, 'orchestration-billing');
    billing = await startBillingResponder(infra.natsUrl);
    [replica] = (await startReplicas(1, {
      ...infra.env,
      DATA_DIR: bed.dataDir,
      IDENTITY_JWKS_URL: bed.identity.jwksUrl,
      BILLING_HOLDS: 'required',
      RUN_HOLD_ESTIMATE_MICROS: '200000',
    })) as [Replica];
    owner = await bed.identity.caller('owner', bed.workspace);
    const nc = await connectNats({
      NATS_URL: infra.natsUrl,
      SERVICE_NAME: 'billing-test',
    } as PlatformConfig);
    js = new JetStreamService(nc);
    closeNats = () => nc.drain();
  });

  afterAll(async () => {
    await replica?.app.close();
    await worker?.kill('SIGTERM');
    await closeNats?.();
    await billing?.stop();
    await bed?.stop();
    await infra?.stop();
  });

  const start = () =>
    replica.api<RunSummary & { estimateMicros?: number }>('POST', '/api/workflows/runs', {
      token: owner.token,
      body: { workflow: 'linkedin_post', storyEntryId: bed.story },
      ip: nextTestIp(),
    });
  const detail = async (id: string) =>
    (
      await replica.api<RunDetail>('GET', `/api/workflows/runs/${id}`, {
        token: owner.token,
        ip: nextTestIp(),
      })
    ).body;

  it('refuses a run the workspace has no credit for with a 402 naming the estimate and the balance, and starts none', async () => {
    billing.setCredit(bed.workspace, 150_000);
    const res = await start();
    expect(res.status).toBe(402);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://postmagiq.dev/problems/payment-required',
      status: 402,
      estimateMicros: 200_000,
      balance: { availableMicros: 150_000, heldMicros: 0 },
      detail: expect.stringMatching(/credit/),
    });
    const runs = await replica.api<RunList>('GET', '/api/workflows/runs', {
      token: owner.token,
      ip: nextTestIp(),
    });
    expect(runs.body.total).toBe(0);
  });

  it('pauses a run whose credit ran out as awaiting_credit at its next state, and continues it after a top-up', async () => {
    billing.setCredit(bed.workspace, 1_000_000);
    const res = await start();
    expect(res.status).toBe(201);
    const runId = res.body.id;
    expect(billing.placed).toContain(runId);
    // billing exhausts the hold before the first calls come back (no worker runs yet)
    const exhausted: RunCreditExhaustedEvent = {
      workspaceId: bed.workspace,
      runId,
      balance: { availableMicros: 0, heldMicros: 0 },
      at: new Date().toISOString(),
    };
    billing.setHoldStatus(runId, 'exhausted');
    await js.publish(BillingEventSubjects.runCreditExhausted, exhausted, `exhausted:${runId}:0`);
    const ds = replica.app.get<DataSource>(getDataSourceToken(ORCHESTRATION_DB));
    await waitFor(
      async () => (await ds.getRepository(RunEntity).findOneBy({ id: runId }))?.creditExhausted,
      20_000,
      'the run marked credit-exhausted',
    );
    worker = await spawnSimulatedWorker({ ...infra.env });
    await waitFor(
      async () => (await detail(runId)).status === 'awaiting_credit',
      60_000,
      'awaiting_credit',
    );
    const paused = await detail(runId);
    // paused after its first agent state: nothing of the next state was dispatched
    const seqAtPause = (await ds.getRepository(RunEntity).findOneByOrFail({ id: runId })).seq;
    await new Promise((ok) => setTimeout(ok, 1_000));
    expect((await ds.getRepository(RunEntity).findOneByOrFail({ id: runId })).seq).toBe(seqAtPause);
    expect(paused.status).toBe('awaiting_credit');

    // a top-up: billing reopens the hold and says so
    billing.setHoldStatus(runId, 'open');
    const added: CreditAddedEvent = {
      workspaceId: bed.workspace,
      amountMicros: 5_000_000,
      source: 'purchase',
      balance: { availableMicros: 5_000_000, heldMicros: 0 },
      at: new Date().toISOString(),
    };
    await js.publish(BillingEventSubjects.creditAdded, added, `credit:${randomUUID()}`);
    await waitFor(
      async () => ['awaiting_approval', 'completed'].includes((await detail(runId)).status),
      90_000,
      'the run to go on after the top-up',
    );
    expect((await ds.getRepository(RunEntity).findOneByOrFail({ id: runId })).seq).toBeGreaterThan(
      seqAtPause,
    );
  });

  it('lets a user cancel a run that waits for credit', async () => {
    billing.setCredit(bed.workspace, 1_000_000);
    const res = await start();
    const runId = res.body.id;
    billing.setHoldStatus(runId, 'exhausted');
    await js.publish(
      BillingEventSubjects.runCreditExhausted,
      {
        workspaceId: bed.workspace,
        runId,
        balance: { availableMicros: 0, heldMicros: 0 },
        at: new Date().toISOString(),
      },
      `exhausted:${runId}:0`,
    );
    await waitFor(
      async () => (await detail(runId)).status === 'awaiting_credit',
      60_000,
      'awaiting_credit',
    );
    const cancelled = await replica.api<RunDetail>('POST', `/api/workflows/runs/${runId}/cancel`, {
      token: owner.token,
      body: {},
      ip: nextTestIp(),
    });
    expect(cancelled.status).toBe(200);
    expect((await detail(runId)).status).toBe('cancelled');
  });
});
