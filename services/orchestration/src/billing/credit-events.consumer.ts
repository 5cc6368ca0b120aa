import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  BILLING_STREAM,
  BILLING_STREAM_SUBJECTS,
  BillingEventSubjects,
  CreditAddedEventSchema,
  RunCreditExhaustedEventSchema,
} from '@postmagiq/contracts';
import { JetStreamService, NATS_CONNECTION } from '@postmagiq/platform';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_DB, RunEntity } from '../entities';
import { RunEngine } from '../engine/run-engine.service';
import { BillingClient } from './billing.client';

/** Durable consumer names (one per subject: NATS before 2.10 takes one filter per consumer). */
export const CREDIT_EXHAUSTED_DURABLE = 'orchestration-credit-exhausted';
export const CREDIT_ADDED_DURABLE = 'orchestration-credit-added';

/**
 * Billing's word on credit (JetStream, durable): a run whose hold is exhausted pauses as
 * `awaiting_credit` at its next state boundary (no call dispatched, no worker held); when the
 * workspace gets credit, each of its paused runs whose hold billing has reopened continues.
 */
@Injectable()
export class CreditEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('CreditEvents');

  constructor(
    private readonly jetstream: JetStreamService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
    private readonly engine: RunEngine,
    private readonly billing: BillingClient,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.billing.enabled) return;
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(BILLING_STREAM);
    } catch {
      // billing owns the stream: created here only when missing, with its declaration
      await this.jetstream.ensureStream({
        name: BILLING_STREAM,
        subjects: BILLING_STREAM_SUBJECTS,
        duplicateWindowMs: 60 * 60_000,
      });
    }
    await this.jetstream.consume(
      BILLING_STREAM,
      CREDIT_EXHAUSTED_DURABLE,
      [BillingEventSubjects.runCreditExhausted],
      RunCreditExhaustedEventSchema,
      async (ev) => {
        await this.engine.creditExhausted(ev.runId);
        // credit may have come back between billing's refusal and now
        await this.continueIfFunded(ev.workspaceId, ev.runId);
      },
    );
    await this.jetstream.consume(
      BILLING_STREAM,
      CREDIT_ADDED_DURABLE,
      [BillingEventSubjects.creditAdded],
      CreditAddedEventSchema,
      async (ev) => {
        const waiting = await this.ds.getRepository(RunEntity).find({
          where: [
            { workspaceId: ev.workspaceId, status: 'awaiting_credit' },
            { workspaceId: ev.workspaceId, status: 'running', creditExhausted: true },
          ],
          select: { id: true },
        });
        for (const run of waiting) await this.continueIfFunded(ev.workspaceId, run.id);
      },
    );
  }

  private async continueIfFunded(workspaceId: string, runId: string): Promise<void> {
    const hold = await this.billing.hold(workspaceId, runId);
    if (hold?.status !== 'open') return;
    if (await this.engine.continueWithCredit(runId))
      this.logger.log(`run ${runId}: credit is back, continuing`);
  }
}
