import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RUN_STARTED_SUBJECT,
  RunFinishedEventSchema,
} from '@postmagiq/contracts';
import { JetStreamService, NATS_CONNECTION } from '@postmagiq/platform';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { DataSource } from 'typeorm';
import { BILLING_DB } from '../entities';
import { Ledger } from '../ledger/ledger';
import { HoldsService } from './holds.service';

export const RUN_FINISHED_DURABLE = 'billing-run-finished';

/**
 * Settles a run's hold when orchestration reports its end (JetStream, durable, at least once):
 * the unspent reservation goes back to the available balance. Settling twice does nothing.
 * Usage of the run that arrives later is charged to the available balance directly.
 */
@Injectable()
export class RunFinishedConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    private readonly holds: HoldsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(ORCHESTRATION_STREAM);
    } catch {
      // orchestration owns the stream: created here only when missing, with its declaration
      await this.jetstream.ensureStream({
        name: ORCHESTRATION_STREAM,
        subjects: [RUN_STARTED_SUBJECT, RUN_FINISHED_SUBJECT],
        duplicateWindowMs: 60 * 60_000,
      });
    }
    await this.jetstream.consume(
      ORCHESTRATION_STREAM,
      RUN_FINISHED_DURABLE,
      [RUN_FINISHED_SUBJECT],
      RunFinishedEventSchema,
      async (ev) => {
        await this.ds.transaction(async (m) => {
          if (!(await Ledger.lockBalance(m, ev.workspaceId))) return;
          await this.holds.settleLocked(m, ev.runId);
        });
      },
    );
  }
}
