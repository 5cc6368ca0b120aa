import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  IDENTITY_STREAM,
  IDENTITY_STREAM_SUBJECTS,
  IdentityEvent,
  IdentityEventSchemas,
  IdentitySubject,
} from '@postmagiq/contracts';
import { contextToHeaders, JetStreamService, OutboxRelay } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { IDENTITY_DB } from '../entities';
import { OutboxEntity } from '../entities/outbox.entity';

type EventBody<S extends IdentitySubject> = Omit<IdentityEvent<S>, 'eventId' | 'occurredAt'>;

/**
 * Identity's events: written to the outbox inside the transaction of the change, then published
 * to JetStream (stream IDENTITY) by the platform's OutboxRelay with the outbox id as message id.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay<OutboxEntity>;

  constructor(@InjectDataSource(IDENTITY_DB) ds: DataSource, jetstream: JetStreamService) {
    this.relay = new OutboxRelay(jetstream, {
      name: 'Outbox',
      stream: { name: IDENTITY_STREAM, subjects: IDENTITY_STREAM_SUBJECTS },
      repository: () => ds.getRepository(OutboxEntity),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.relay.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.relay.stop();
  }

  /** Adds an event to the transaction of `manager`; call `flush()` after the commit. */
  async add<S extends IdentitySubject>(
    manager: EntityManager,
    subject: S,
    body: EventBody<S>,
  ): Promise<void> {
    const event = { eventId: randomUUID(), occurredAt: new Date().toISOString(), ...body };
    const payload = IdentityEventSchemas[subject].parse(event) as Record<string, unknown>;
    await manager.query(
      `INSERT INTO "identity"."outbox" ("id", "subject", "payload", "headers") VALUES ($1, $2, $3::jsonb, $4::jsonb)`,
      [event.eventId, subject, JSON.stringify(payload), JSON.stringify(contextToHeaders())],
    );
  }

  /** Publishes pending events; concurrent calls coalesce into one more pass. */
  flush(): Promise<void> {
    return this.relay.flush();
  }
}
