import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  AckPolicy,
  ConsumerMessages,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JsMsg,
} from '@nats-io/jetstream';
import { AGENT_USAGE_SUBJECT, AgentUsageEventSchema, USAGE_STREAM } from '@postmagiq/contracts';
import { JetStreamService, NATS_CONNECTION } from '@postmagiq/platform';
// the NATS types come from nats-core (see libs/platform/src/nats/nats-client.ts for why)
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { z } from 'zod';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BillingMetrics } from '../observability/billing-metrics';
import { DeliveredUsage, UsageIngestService } from './usage-ingest.service';

/** Durable consumer name: replicas share it, so each event is delivered to one of them at a time. */
export const USAGE_DURABLE = 'billing-usage';

/** What billing can book: the run and workspace are the uuids orchestration gives them. */
const BillableUsageSchema = AgentUsageEventSchema.extend({
  workspaceId: z.string().uuid(),
  runId: z.string().uuid(),
});

/** The stream the agent workers publish usage to (the same declaration as theirs). */
export const USAGE_STREAM_SPEC = {
  name: USAGE_STREAM,
  subjects: [AGENT_USAGE_SUBJECT],
  duplicateWindowMs: 60 * 60_000,
};

/**
 * Meters every agent call: a durable JetStream consumer whose messages are ingested in batches,
 * each batch one transaction (UsageIngestService), acknowledged only after its commit. Messages
 * arriving while a batch commits form the next batch, so a busy stream is taken hundreds at a
 * time and a quiet one without waiting. Delivery is never given up (`max_deliver` unlimited):
 * a usage event is money.
 */
@Injectable()
export class UsageConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UsageConsumer');
  private messages?: ConsumerMessages;
  private buffer: JsMsg[] = [];
  private draining: Promise<void> | null = null;
  private loop?: Promise<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly jetstream: JetStreamService,
    private readonly ingest: UsageIngestService,
    private readonly metrics: BillingMetrics,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.start(USAGE_DURABLE);
  }

  /** Starts consuming under a durable name (tests and the bench start more than one). */
  async start(durable: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(USAGE_STREAM);
    } catch {
      await this.jetstream.ensureStream(USAGE_STREAM_SPEC);
    }
    try {
      await jsm.consumers.info(USAGE_STREAM, durable);
    } catch {
      await jsm.consumers.add(USAGE_STREAM, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: AGENT_USAGE_SUBJECT,
        max_deliver: -1,
        max_ack_pending: 4096,
        ack_wait: 30_000_000_000,
      });
    }
    const consumer = await jetstream(this.nc).consumers.get(USAGE_STREAM, durable);
    this.messages = await consumer.consume({ max_messages: this.config.BILLING_INGEST_BATCH * 4 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const m of messages) {
        this.buffer.push(m);
        this.draining ??= this.drain();
      }
    })();
  }

  /** Ingests what is buffered, batch after batch, until the buffer is empty. */
  private async drain(): Promise<void> {
    // let the messages that already arrived join the first batch
    await new Promise((ok) => setImmediate(ok));
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, this.config.BILLING_INGEST_BATCH);
        await this.handle(batch);
      }
    } finally {
      this.draining = null;
    }
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    const delivered: DeliveredUsage[] = [];
    const valid: JsMsg[] = [];
    for (const m of batch) {
      const parsed = parse(m);
      if (!parsed) {
        this.logger.error(`${m.subject}#${m.seq}: not a billable usage event, terminated`);
        m.term();
        continue;
      }
      valid.push(m);
      delivered.push({
        msgId: m.headers?.get('Nats-Msg-Id') || parsed.callId,
        streamSeq: m.seq,
        event: parsed,
      });
    }
    if (delivered.length === 0) return;
    try {
      const outcome = await this.ingest.ingest(delivered);
      this.metrics.usageCounted.inc(outcome.counted);
      this.metrics.usageDuplicates.inc(outcome.duplicates);
    } catch (error) {
      // nothing was committed: every message comes back
      this.logger.warn(
        `usage batch of ${valid.length} not ingested, will retry: ${(error as Error).message}`,
      );
      for (const m of valid) m.nak(1000);
      return;
    }
    for (const m of valid) m.ack();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.loop?.catch(() => undefined);
    await this.draining;
  }
}

/** Whether billing books this message (the consumer terminates the others). */
export function isBillable(m: JsMsg): boolean {
  return parse(m) !== null;
}

function parse(m: JsMsg): z.infer<typeof BillableUsageSchema> | null {
  try {
    const parsed = BillableUsageSchema.safeParse(m.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
