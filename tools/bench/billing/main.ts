/*
 * npm run bench:billing — metering and holds of the billing service, provisioned like the tests
 * (NATS with JetStream, the embedded Postgres; billing booted in this process, metered).
 *
 * 1. Holds: BENCH_HOLD_ROUNDS rounds of 50 concurrent `billing.hold.place` requests over NATS (50
 *    run starts at once, spread over 10 workspaces, so starts of one workspace contend on its
 *    balance row): p50/p99 of the request as orchestration sees it.
 * 2. Metering: BENCH_EVENTS usage events published to the USAGE stream as the agent workers do
 *    (message id = call id), 10 % of them published again under the same id outside the stream's
 *    de-duplication window, so JetStream stores and delivers them twice: events/s from the first
 *    publish until the durable consumer has acknowledged every message, and the exact totals —
 *    events counted twice, and the difference between the costs published and the ledger's.
 * Last line: {"eventsPerSec", "duplicatesCounted", "totalMismatch", "holdP50Ms", "holdP99Ms", …}.
 */
import 'reflect-metadata';
import { jetstreamManager } from '@nats-io/jetstream';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  AGENT_USAGE_SUBJECT,
  AgentUsageEvent,
  BillingRequestSubjects,
  HoldReplySchema,
  USAGE_STREAM,
} from '@postmagiq/contracts';
import { AccountsService, BillingAppModule } from '@postmagiq/billing';
import {
  connectNats,
  createApp,
  JetStreamService,
  NatsRpcClient,
  PlatformConfig,
} from '@postmagiq/platform';
import { startTestInfra } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const REDELIVERED = Math.round(EVENTS * 0.1);
const HOLD_ROUNDS = Number(process.env['BENCH_HOLD_ROUNDS'] ?? 20);
const CONCURRENT_STARTS = 50;
const WORKSPACES = 10;
const RUNS = 1_000;
const PUBLISH_WINDOW = 2_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const infra = await startTestInfra();
  const dataDir = mkdtempSync(join(tmpdir(), 'pmq-bench-billing-'));
  const config = { NATS_URL: infra.natsUrl, SERVICE_NAME: 'bench-billing' } as PlatformConfig;
  const nc = await connectNats(config);
  try {
    // the stream as the workers declare it, but with the shortest de-duplication window (100 ms):
    // a re-publish under the same message id later than that is stored and delivered again
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: USAGE_STREAM,
      subjects: [AGENT_USAGE_SUBJECT],
      duplicate_window: 100_000_000,
    });
    const app = await createApp(
      BillingAppModule.forRoot({
        ...infra.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        STRIPE_SECRET_KEY: 'sk_test_bench',
        STRIPE_WEBHOOK_SECRET: 'whsec_bench',
        BILLING_INGEST_BATCH: process.env['BILLING_INGEST_BATCH'] ?? '256',
      }),
      { title: 'bench-billing', rpcQueue: 'billing' },
    );
    await app.listen(0, '127.0.0.1');
    const ds = app.get<DataSource>(getDataSourceToken('billing'));
    const rpc = new NatsRpcClient(config);
    await rpc.onApplicationBootstrap();

    const workspaces = Array.from({ length: WORKSPACES }, () => randomUUID());
    // credit enough for every hold and every call (a grant per workspace, through the ledger)
    for (const ws of workspaces)
      await app
        .get(AccountsService)
        .grant({ workspaceId: ws, source: 'purchase', sourceRef: 'bench', amountMicros: 1e12 });

    // 1. holds under 50 concurrent run starts
    const latencies: number[] = [];
    const runs: Array<{ ws: string; runId: string }> = [];
    for (let round = 0; round < HOLD_ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: CONCURRENT_STARTS }, async (_, i) => {
          const ws = workspaces[i % WORKSPACES]!;
          const runId = randomUUID();
          const t0 = performance.now();
          const reply = await rpc.request(
            BillingRequestSubjects.holdPlace,
            { workspaceId: ws, runId, estimateMicros: 2_000_000 },
            HoldReplySchema,
            30_000,
          );
          latencies.push(performance.now() - t0);
          if (!reply.placed) throw new Error(`hold refused: ${reply.reason}`);
          runs.push({ ws, runId });
        }),
      );
    }
    latencies.sort((a, b) => a - b);
    const holdP50Ms = percentile(latencies, 50);
    const holdP99Ms = percentile(latencies, 99);

    // 2. metering
    const js = new JetStreamService(nc);
    const events: AgentUsageEvent[] = Array.from({ length: EVENTS }, (_, i) => {
      const run = runs[i % Math.min(RUNS, runs.length)]!;
      return {
        callId: randomUUID(),
        runId: run.runId,
        workspaceId: run.ws,
        state: 'draft',
        agent: 'writer',
        backend: 'claude',
        model: 'claude-sonnet-4-5',
        tokensIn: 1000 + (i % 500),
        tokensOut: 200 + (i % 100),
        cachedTokensIn: 0,
        costUsd: (1 + (i % 997)) / 1_000_000,
        durationMs: 1000,
        simulated: false,
        failed: false,
        at: new Date().toISOString(),
      };
    });
    const expectedMicros = events.reduce((s, e) => s + Math.round(e.costUsd * 1e6), 0);
    // 10 % of the events are published again under their id, 5,000 events later (well past the window)
    const order: AgentUsageEvent[] = [];
    let again = 0;
    for (let i = 0; i < EVENTS; i++) {
      order.push(events[i]!);
      if (i >= 5_000 && i % 9 === 0 && again < REDELIVERED) {
        order.push(events[i - 5_000]!);
        again += 1;
      }
    }
    const t0 = performance.now();
    for (let i = 0; i < order.length; i += PUBLISH_WINDOW)
      await Promise.all(
        order.slice(i, i + PUBLISH_WINDOW).map((e) => js.publish(AGENT_USAGE_SUBJECT, e, e.callId)),
      );
    const publishedS = (performance.now() - t0) / 1000;
    const stored = (await jsm.streams.info(USAGE_STREAM)).state.messages;
    for (;;) {
      const c = await jsm.consumers.info(USAGE_STREAM, 'billing-usage');
      if (c.num_pending === 0 && c.num_ack_pending === 0 && c.delivered.stream_seq >= stored) break;
      await new Promise((ok) => setTimeout(ok, 20));
    }
    const seconds = (performance.now() - t0) / 1000;

    const [usage] = (await ds.query(
      `SELECT COUNT(*)::int AS n, SUM(cost_micros)::bigint AS cost FROM billing.usage_events`,
    )) as Array<{ n: number; cost: string }>;
    const [ledger] = (await ds.query(
      `SELECT -SUM(available_delta + held_delta)::bigint AS spent FROM billing.ledger_entries WHERE kind = 'capture'`,
    )) as Array<{ spent: string }>;
    const mismatches = (await ds.query(
      `SELECT COUNT(*)::int AS n FROM billing.balances b
       JOIN (SELECT workspace_id, SUM(available_delta) a, SUM(held_delta) h FROM billing.ledger_entries GROUP BY 1) e
         USING (workspace_id) WHERE b.available <> e.a OR b.held <> e.h`,
    )) as Array<{ n: number }>;
    const duplicatesCounted = usage!.n - EVENTS;
    const totalMismatch =
      Math.abs(Number(usage!.cost) - expectedMicros) +
      Math.abs(Number(ledger!.spent) - expectedMicros);
    const figures = {
      eventsPerSec: Math.round(EVENTS / seconds),
      deliveriesPerSec: Math.round(stored / seconds),
      duplicatesCounted,
      totalMismatch,
      balanceMismatches: mismatches[0]!.n,
      holdP50Ms: Number(holdP50Ms.toFixed(2)),
      holdP99Ms: Number(holdP99Ms.toFixed(2)),
      events: EVENTS,
      redeliveredStored: stored - EVENTS,
      publishSeconds: Number(publishedS.toFixed(2)),
      ingestSeconds: Number(seconds.toFixed(2)),
      holds: latencies.length,
    };
    process.stdout.write(
      [
        '',
        'billing benchmark',
        `  holds     ${latencies.length} placed, ${CONCURRENT_STARTS} at a time over ${WORKSPACES} workspaces: p50 ${figures.holdP50Ms} ms, p99 ${figures.holdP99Ms} ms`,
        `  metering  ${EVENTS} events + ${figures.redeliveredStored} stored again under the same id, through JetStream into the ledger`,
        `            ${figures.ingestSeconds} s from the first publish to the last ack (publishing took ${figures.publishSeconds} s)`,
        `            ${figures.eventsPerSec} events/s (${figures.deliveriesPerSec} deliveries/s)`,
        `  totals    counted ${usage!.n} (duplicates counted: ${duplicatesCounted}), cost published ${expectedMicros} µUSD, in usage ${usage!.cost}, captured ${ledger!.spent}`,
        `  balances  ${figures.balanceMismatches} differing from the sum of their entries`,
        '',
      ].join('\n'),
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    await rpc.onApplicationShutdown();
    await app.close();
  } finally {
    await nc.drain().catch(() => undefined);
    await infra.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
