import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BILLING_STREAM, BILLING_STREAM_SUBJECTS } from '@postmagiq/contracts';
import { contextToHeaders, JetStreamService, OutboxRelay } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { BILLING_DB, OutboxEntity } from '../entities';

/**
 * Billing's JetStream events (credit exhausted/added, alerts): written in the ledger transaction
 * that caused them, relayed afterwards by the platform's OutboxRelay with `msg_id` as message id.
 */
@Injectable()
export class BillingOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay<OutboxEntity>;

  constructor(@InjectDataSource(BILLING_DB) ds: DataSource, jetstream: JetStreamService) {
    this.relay = new OutboxRelay(jetstream, {
      name: 'BillingOutbox',
      stream: {
        name: BILLING_STREAM,
        subjects: BILLING_STREAM_SUBJECTS,
        duplicateWindowMs: 60 * 60_000,
      },
      repository: () => ds.getRepository(OutboxEntity),
      msgId: (row) => row.msgId,
    });
  }

  /** Writes an event in the caller's transaction; `msgId` makes a repeated write one event. */
  async add(m: EntityManager, subject: string, msgId: string, payload: object): Promise<void> {
    await m.query(
      `INSERT INTO billing.outbox (id, subject, msg_id, payload, headers) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), subject, msgId, JSON.stringify(payload), JSON.stringify(contextToHeaders())],
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.relay.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.relay.stop();
  }

  flush(): Promise<void> {
    return this.relay.flush();
  }
}
