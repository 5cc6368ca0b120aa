import type { INestApplication } from '@nestjs/common';
import { BillingRequestSubjects, USAGE_STREAM } from '@postmagiq/contracts';
import { startTestInfra, TestInfra } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  balanceMismatches,
  consumerDrained,
  dataSourceOf,
  rpcClient,
  startBilling,
  usageEvent,
  usagePublisher,
} from '../testing/billing-harness';
import { UsageConsumer, USAGE_DURABLE } from './usage-consumer.service';
import { UsageIngestService } from './usage-ingest.service';

jest.setTimeout(120_000);

/** Metering against real NATS JetStream and the embedded Postgres: each event counted once. */
describe('metering', () => {
  let infra: TestInfra;
  let dataDir: string;
  const apps: INestApplication[] = [];
  let pub: Awaited<ReturnType<typeof usagePublisher>>;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-billing-metering-'));
    pub = await usagePublisher(infra.natsUrl);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await pub?.close();
    await infra?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const boot = async () => {
    const app = await startBilling({ ...infra.env, DATA_DIR: dataDir });
    apps.push(app);
    return app;
  };

  async function totals(app: INestApplication, workspaceId: string) {
    const [row] = (await dataSourceOf(app).query(
      `SELECT COUNT(*)::int AS events, COALESCE(SUM(cost_micros), 0)::bigint AS cost
       FROM billing.usage_events WHERE workspace_id = $1`,
      [workspaceId],
    )) as Array<{ events: number; cost: string }>;
    const [ledger] = (await dataSourceOf(app).query(
      `SELECT COUNT(*)::int AS captures, COALESCE(-SUM(available_delta + held_delta), 0)::bigint AS spent
       FROM billing.ledger_entries WHERE workspace_id = $1 AND kind = 'capture'`,
      [workspaceId],
    )) as Array<{ captures: number; spent: string }>;
    return {
      events: row!.events,
      cost: Number(row!.cost),
      captures: ledger!.captures,
      spent: Number(ledger!.spent),
    };
  }

  it('counts every event of two replicas sharing the durable consumer once, and a replay adds nothing', async () => {
    const [a, b] = [await boot(), await boot()];
    const ws = randomUUID();
    const run = randomUUID();
    const events = Array.from({ length: 300 }, (_, i) => usageEvent(ws, run, 0.001 + i * 0.000001));
    // JetStream drops a re-publish with the same message id inside its window: also published twice
    for (const e of events) await pub.publish(e);
    for (const e of events.slice(0, 50)) await pub.publish(e);
    await consumerDrained(pub.nc, USAGE_STREAM, USAGE_DURABLE);
    const expectedCost = events.reduce((s, e) => s + Math.round(e.costUsd * 1e6), 0);
    expect(await totals(a!, ws)).toEqual({
      events: 300,
      cost: expectedCost,
      captures: 300,
      spent: expectedCost,
    });

    // a replay of the whole stream (a new durable from the first message) counts nothing again
    const replay = `billing-replay-${randomUUID().slice(0, 8)}`;
    await b!.get(UsageConsumer).start(replay);
    await consumerDrained(pub.nc, USAGE_STREAM, replay);
    expect(await totals(a!, ws)).toEqual({
      events: 300,
      cost: expectedCost,
      captures: 300,
      spent: expectedCost,
    });
    expect(await balanceMismatches(dataSourceOf(a!))).toEqual([]);
  });

  it('counts an event committed by a replica that died before acking it once, when it is redelivered', async () => {
    const app = apps[0] ?? (await boot());
    const ws = randomUUID();
    const run = randomUUID();
    const events = Array.from({ length: 20 }, () => usageEvent(ws, run, 0.01));
    // what the dead replica committed: the transaction of the batch, without the acks
    await app
      .get(UsageIngestService)
      .ingest(events.map((event) => ({ msgId: event.callId, streamSeq: null, event })));
    for (const e of events) await pub.publish(e);
    await consumerDrained(pub.nc, USAGE_STREAM, USAGE_DURABLE);
    expect(await totals(app, ws)).toEqual({
      events: 20,
      cost: 200_000,
      captures: 20,
      spent: 200_000,
    });
  });

  it('counts a message id delivered twice in one batch, and again in a later batch, once', async () => {
    const app = apps[0] ?? (await boot());
    const ws = randomUUID();
    const e = usageEvent(ws, randomUUID(), 0.5);
    const ingest = app.get(UsageIngestService);
    const twice = { msgId: e.callId, streamSeq: null, event: e };
    expect(await ingest.ingest([twice, twice])).toEqual({ counted: 1, duplicates: 1 });
    expect(await ingest.ingest([twice])).toEqual({ counted: 0, duplicates: 1 });
    expect(await totals(app, ws)).toEqual({
      events: 1,
      cost: 500_000,
      captures: 1,
      spent: 500_000,
    });
  });

  it('unmetered (no Stripe key), refuses no hold and still books the cost of every call', async () => {
    const app = apps[0] ?? (await boot());
    const ws = randomUUID();
    const rpc = await rpcClient(infra.natsUrl);
    const runId = randomUUID();
    const hold = await rpc.request(BillingRequestSubjects.holdPlace, {
      workspaceId: ws,
      runId,
      estimateMicros: 5_000_000,
    });
    await rpc.close();
    expect(hold).toMatchObject({
      placed: true,
      metered: false,
      balance: { availableMicros: -5_000_000, heldMicros: 5_000_000 },
    });
    for (const e of [usageEvent(ws, runId, 0.25), usageEvent(ws, runId, 0.5)]) await pub.publish(e);
    await consumerDrained(pub.nc, USAGE_STREAM, USAGE_DURABLE);
    expect(await totals(app, ws)).toEqual({
      events: 2,
      cost: 750_000,
      captures: 2,
      spent: 750_000,
    });
  });

  it('terminates an event it cannot book (no workspace uuid) without blocking the others', async () => {
    const app = apps[0] ?? (await boot());
    const ws = randomUUID();
    await pub.publish(usageEvent('not-a-uuid', randomUUID(), 1));
    await pub.publish(usageEvent(ws, randomUUID(), 0.25));
    await consumerDrained(pub.nc, USAGE_STREAM, USAGE_DURABLE);
    expect((await totals(app, ws)).events).toBe(1);
  });
});
