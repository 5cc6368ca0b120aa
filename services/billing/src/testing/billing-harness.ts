import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  AGENT_USAGE_SUBJECT,
  AgentUsageEvent,
  HoldReply,
  HoldReplySchema,
} from '@postmagiq/contracts';
import {
  connectNats,
  createApp,
  JetStreamService,
  NatsRpcClient,
  PlatformConfig,
} from '@postmagiq/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { waitFor } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { BillingAppModule } from '../billing-app.module';
import { BILLING_DB } from '../entities';
import type { StripeGateway } from '../stripe/stripe-gateway';
import { USAGE_STREAM_SPEC } from '../metering/usage-consumer.service';

/** A billing app booted in this process against the given infrastructure. */
export async function startBilling(
  env: Record<string, string>,
  testing: { stripeGateway?: StripeGateway } = {},
): Promise<INestApplication> {
  const app = await createApp(
    BillingAppModule.forRoot(
      {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PORT: '0',
        ...env,
      },
      testing,
    ),
    { title: 'billing-test', rpcQueue: 'billing' },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Environment of a metered billing (a Stripe key is what switches metering on). */
export const METERED = {
  STRIPE_SECRET_KEY: 'sk_test_metered',
  STRIPE_WEBHOOK_SECRET: 'whsec_test',
};

export function dataSourceOf(app: INestApplication): DataSource {
  return app.get<DataSource>(getDataSourceToken(BILLING_DB));
}

export function grant(
  app: INestApplication,
  workspaceId: string,
  amountMicros: number,
  ref = randomUUID(),
) {
  return app
    .get(AccountsService)
    .grant({ workspaceId, source: 'purchase', sourceRef: ref, amountMicros });
}

/** What the platform's NATS clients need of the configuration. */
export function natsConfig(natsUrl: string): PlatformConfig {
  return { NATS_URL: natsUrl, SERVICE_NAME: 'billing-test' } as PlatformConfig;
}

/** Asks billing over NATS as orchestration does. */
export async function rpcClient(natsUrl: string) {
  const client = new NatsRpcClient(natsConfig(natsUrl));
  await client.onApplicationBootstrap();
  return {
    request: (subject: string, payload: unknown): Promise<HoldReply> =>
      client.request(subject, payload, HoldReplySchema, 10_000),
    close: () => client.onApplicationShutdown(),
  };
}

/** Publishes usage events as the agent workers do (message id = call id). */
export async function usagePublisher(natsUrl: string) {
  const nc: NatsConnection = await connectNats(natsConfig(natsUrl));
  const js = new JetStreamService(nc);
  await js.ensureStream(USAGE_STREAM_SPEC);
  return {
    js,
    nc,
    publish: (e: AgentUsageEvent, msgId = e.callId) => js.publish(AGENT_USAGE_SUBJECT, e, msgId),
    close: () => nc.drain(),
  };
}

export function usageEvent(
  workspaceId: string,
  runId: string,
  costUsd: number,
  over: Partial<AgentUsageEvent> = {},
): AgentUsageEvent {
  return {
    callId: randomUUID(),
    runId,
    workspaceId,
    state: 'draft',
    agent: 'writer',
    backend: 'claude',
    model: 'claude-sonnet-4-5',
    tokensIn: 1000,
    tokensOut: 200,
    cachedTokensIn: 0,
    costUsd,
    durationMs: 1200,
    simulated: false,
    failed: false,
    at: new Date().toISOString(),
    ...over,
  };
}

/** Balances that differ from the sum of their entries (workspace ids): must be none. */
export async function balanceMismatches(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT b.workspace_id FROM billing.balances b
     LEFT JOIN (SELECT workspace_id, SUM(available_delta) a, SUM(held_delta) h
                FROM billing.ledger_entries GROUP BY workspace_id) e ON e.workspace_id = b.workspace_id
     WHERE b.available <> COALESCE(e.a, 0) OR b.held <> COALESCE(e.h, 0)`,
  )) as Array<{ workspace_id: string }>;
  return rows.map((r) => r.workspace_id);
}

/** Resolves once a durable consumer has had every message of its stream delivered and acknowledged. */
export async function consumerDrained(
  nc: NatsConnection,
  stream: string,
  durable: string,
  timeoutMs = 30_000,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitFor(
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0;
    },
    timeoutMs,
    `consumer ${durable} of ${stream} to have nothing pending`,
  );
}
