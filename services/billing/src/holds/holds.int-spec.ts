import type { INestApplication } from '@nestjs/common';
import {
  BillingRequestSubjects,
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RunFinishedEvent,
} from '@postmagiq/contracts';
import { pendingSchemaChanges } from '@postmagiq/platform';
import { startTestInfra, TestInfra } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsService } from '../accounts/accounts.service';
import { UsageIngestService } from '../metering/usage-ingest.service';
import {
  balanceMismatches,
  consumerDrained,
  dataSourceOf,
  grant,
  METERED,
  rpcClient,
  startBilling,
  usageEvent,
  usagePublisher,
} from '../testing/billing-harness';
import { HoldsService } from './holds.service';
import { RUN_FINISHED_DURABLE } from './run-finished.consumer';

jest.setTimeout(120_000);

/** Holds over real NATS request/reply on the embedded Postgres, metered (a Stripe key is set). */
describe('holds', () => {
  let infra: TestInfra;
  let dataDir: string;
  let app: INestApplication;
  let rpc: Awaited<ReturnType<typeof rpcClient>>;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-billing-holds-'));
    app = await startBilling({ ...infra.env, DATA_DIR: dataDir, ...METERED });
    rpc = await rpcClient(infra.natsUrl);
  });
  afterAll(async () => {
    await rpc?.close();
    await app?.close();
    await infra?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const place = (workspaceId: string, estimateMicros: number, runId = randomUUID()) =>
    rpc.request(BillingRequestSubjects.holdPlace, { workspaceId, runId, estimateMicros });

  it('has migrations that create exactly what the entities declare', async () => {
    expect(await pendingSchemaChanges(dataSourceOf(app))).toEqual([]);
  });

  it('places exactly 6 of 20 concurrent holds of 75 against a balance of 500', async () => {
    const ws = randomUUID();
    await grant(app, ws, 500);
    const replies = await Promise.all(Array.from({ length: 20 }, () => place(ws, 75)));
    expect(replies.filter((r) => r.placed)).toHaveLength(6);
    const refused = replies.find((r) => !r.placed)!;
    expect(refused).toMatchObject({
      status: 'refused',
      metered: true,
      balance: { availableMicros: 50, heldMicros: 450 },
    });
    expect(refused.reason).toMatch(/add credit/);
    expect(await balanceMismatches(dataSourceOf(app))).toEqual([]);
  });

  it('answers a repeated request for the same run with the one hold', async () => {
    const ws = randomUUID();
    await grant(app, ws, 1_000);
    const runId = randomUUID();
    const replies = await Promise.all([
      place(ws, 300, runId),
      place(ws, 300, runId),
      place(ws, 300, runId),
    ]);
    expect(replies.every((r) => r.placed && r.amountMicros === 300)).toBe(true);
    expect(replies[2]!.balance).toEqual({ availableMicros: 700, heldMicros: 300 });
  });

  it('refuses without credit, within the overdraft limit places, and rejects a bad request naming the field', async () => {
    const ws = randomUUID();
    expect((await place(ws, 1)).placed).toBe(false);
    await dataSourceOf(app).query(
      `UPDATE billing.accounts SET overdraft_limit = 100 WHERE workspace_id = $1`,
      [ws],
    );
    expect((await place(ws, 100)).placed).toBe(true);
    expect((await place(ws, 1)).placed).toBe(false);
    await expect(
      rpc.request(BillingRequestSubjects.holdPlace, {
        workspaceId: ws,
        runId: 'x',
        estimateMicros: 1,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/runId/) });
  });

  it('captures against the hold, extends it, exhausts it, and reopens it when credit arrives', async () => {
    const ws = randomUUID();
    const runId = randomUUID();
    await grant(app, ws, 250_000);
    expect((await place(ws, 100_000, runId)).placed).toBe(true);
    const ingest = app.get(UsageIngestService);
    const spend = (usd: number) => {
      const event = usageEvent(ws, runId, usd);
      return ingest.ingest([{ msgId: event.callId, streamSeq: null, event }]);
    };
    await spend(0.1); // uses the hold up: extended by 100,000 (available 150,000 → 50,000)
    const view = async () => (await app.get(HoldsService).view(ws, runId))!;
    let hold = await view();
    expect(hold).toMatchObject({ status: 'open', amountMicros: 200_000, capturedMicros: 100_000 });
    await spend(0.1); // used up again; 50,000 cannot cover another 100,000
    hold = await rpc.request(BillingRequestSubjects.holdExtend, {
      workspaceId: ws,
      runId,
      estimateMicros: 100_000,
    });
    expect(hold).toMatchObject({
      placed: false,
      status: 'exhausted',
      balance: { availableMicros: 50_000, heldMicros: 0 },
    });
    // a top-up reopens the exhausted hold by its last estimate
    await app
      .get(AccountsService)
      .grant({ workspaceId: ws, source: 'purchase', sourceRef: 'top-up', amountMicros: 500_000 });
    hold = await view();
    expect(hold).toMatchObject({ status: 'open', amountMicros: 300_000, capturedMicros: 200_000 });
    expect(await balanceMismatches(dataSourceOf(app))).toEqual([]);
  });

  it('settles on run.finished: the unspent part released, grants drawn by priority, expiry, then age', async () => {
    const ws = randomUUID();
    const runId = randomUUID();
    const accounts = app.get(AccountsService);
    const inAWeek = new Date(Date.now() + 7 * 86_400_000);
    const tomorrow = new Date(Date.now() + 86_400_000);
    await accounts.grant({
      workspaceId: ws,
      source: 'purchase',
      sourceRef: 'late-expiry',
      amountMicros: 300,
      expiresAt: inAWeek,
    });
    await accounts.grant({
      workspaceId: ws,
      source: 'purchase',
      sourceRef: 'early-expiry',
      amountMicros: 300,
      expiresAt: tomorrow,
    });
    await accounts.grant({
      workspaceId: ws,
      source: 'allowance',
      sourceRef: 'period-1',
      amountMicros: 100,
      expiresAt: inAWeek,
    });
    expect((await place(ws, 600, runId)).placed).toBe(true);
    const event = usageEvent(ws, runId, 0.00045); // 450 micro-USD
    await app.get(UsageIngestService).ingest([{ msgId: event.callId, streamSeq: null, event }]);

    const pub = await usagePublisher(infra.natsUrl);
    const finished: RunFinishedEvent = {
      runId,
      workspaceId: ws,
      storyEntryId: randomUUID(),
      workflow: 'linkedin_post',
      status: 'completed',
      reason: null,
      finalPost: 'done',
      usage: { tokensIn: 1, tokensOut: 1, costUsd: 0.00045 },
      at: new Date().toISOString(),
    };
    await pub.js.publish(RUN_FINISHED_SUBJECT, finished, `${runId}.finished`);
    await consumerDrained(pub.nc, ORCHESTRATION_STREAM, RUN_FINISHED_DURABLE);
    await pub.close();

    const ds = dataSourceOf(app);
    const grants = (await ds.query(
      `SELECT source_ref, remaining::int FROM billing.credit_grants WHERE workspace_id = $1 ORDER BY source_ref`,
      [ws],
    )) as Array<{ source_ref: string; remaining: number }>;
    // allowance first (priority), then the purchase that expires first, then the other
    expect(grants).toEqual([
      { source_ref: 'early-expiry', remaining: 0 },
      { source_ref: 'late-expiry', remaining: 250 },
      { source_ref: 'period-1', remaining: 0 },
    ]);
    const hold = await app.get(HoldsService).view(ws, runId);
    expect(hold).toMatchObject({
      status: 'settled',
      capturedMicros: 450,
      balance: { availableMicros: 250, heldMicros: 0 },
    });
    expect(await balanceMismatches(ds)).toEqual([]);
  });
});
