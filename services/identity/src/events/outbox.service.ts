import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IDENTITY_STREAM, IDENTITY_STREAM_SUBJECTS, IdentityEvent, IdentityEventSchemas, IdentitySubject } from '@postmagiq/contracts';
import { contextToHeaders, JetStreamService, RequestContext } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { IDENTITY_DB } from '../entities';
import { OutboxEntity } from '../entities/outbox.entity';

type EventBody<S extends IdentitySubject> = Omit<IdentityEvent<S>, 'eventId' | 'occurredAt'>;

/**
 * Identity's events: written to the outbox inside the transaction of the change, then published
 * to JetStream (stream IDENTITY) with the outbox id as message id. A relay pass runs
 * after each commit and every few seconds, so a crash or a NATS outage delays events, never loses
 * or doubles them.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private ready = false;

  constructor(
    @InjectDataSource(IDENTITY_DB) private readonly ds: DataSource,
    private readonly jetstream: JetStreamService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.ensureStream({ name: IDENTITY_STREAM, subjects: IDENTITY_STREAM_SUBJECTS });
    this.ready = true;
    this.timer = setInterval(() => this.flush(), 5000);
    this.timer.unref();
    this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Adds an event to the transaction of `manager`; call `flush()` after the commit. */
  async add<S extends IdentitySubject>(manager: EntityManager, subject: S, body: EventBody<S>): Promise<void> {
    const event = { eventId: randomUUID(), occurredAt: new Date().toISOString(), ...body };
    const payload = IdentityEventSchemas[subject].parse(event) as Record<string, unknown>;
    await manager.query(
      `INSERT INTO "identity"."outbox" ("id", "subject", "payload", "headers") VALUES ($1, $2, $3::jsonb, $4::jsonb)`,
      [event.eventId, subject, JSON.stringify(payload), JSON.stringify(contextToHeaders())],
    );
  }

  /** Publishes pending events; concurrent calls coalesce into one more pass. */
  flush(): Promise<void> {
    if (!this.ready) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.relay().catch((e: Error) => this.logger.warn(`relay failed, will retry: ${e.message}`));
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async relay(): Promise<void> {
    const repo = this.ds.getRepository(OutboxEntity);
    for (;;) {
      const batch = await repo.find({ where: { publishedAt: IsNull() }, order: { createdAt: 'ASC' }, take: 100 });
      if (batch.length === 0) return;
      for (const row of batch) {
        const ctx = { requestId: row.headers['x-request-id'] ?? randomUUID(), ...(row.headers['x-workspace-id'] ? { workspaceId: row.headers['x-workspace-id'] } : {}) };
        await RequestContext.run(ctx, () => this.jetstream.publish(row.subject, row.payload, row.id));
        await repo.update({ id: row.id }, { publishedAt: new Date() });
      }
    }
  }
}
