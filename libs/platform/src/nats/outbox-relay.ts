import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IsNull, type FindOptionsOrder, type FindOptionsWhere, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { contextFromHeaders, RequestContext } from '../context/request-context';
import type { JetStreamService, StreamSpec } from './nats';

/** The columns a transactional outbox table has for the relay (each service owns its table). */
export interface OutboxRecord {
  id: string;
  subject: string;
  payload: Record<string, unknown>;
  /** the request context the event was written in, as NATS headers (`contextToHeaders`) */
  headers: Record<string, string>;
  createdAt: Date;
  publishedAt: Date | null;
}

export interface OutboxRelayOptions<T extends OutboxRecord> {
  /** logger context */
  name: string;
  /** the stream the events go to, declared on start */
  stream: StreamSpec;
  repository: () => Repository<T>;
  /** the JetStream message id of a row (default: its id) */
  msgId?: (row: T) => string;
  /** how often a pass runs besides the ones asked for after commits */
  intervalMs?: number;
}

const BATCH = 100;

/**
 * Publishes a transactional outbox to JetStream: the rows a service wrote in the transaction of
 * the change they report, oldest first, each with its message id (JetStream drops a duplicate
 * within the stream's window) and under the request context it was written in; a row is marked
 * published only after JetStream acknowledged it. A pass runs when asked (after a commit) and every
 * few seconds, so a crash or a NATS outage delays an event, never loses or doubles it. Asks during
 * a pass coalesce into one more pass.
 */
export class OutboxRelay<T extends OutboxRecord> {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private ready = false;

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly options: OutboxRelayOptions<T>,
  ) {
    this.logger = new Logger(options.name);
  }

  /** Declares the stream, then relays: now, and every `intervalMs` (5 s). */
  async start(): Promise<void> {
    await this.jetstream.ensureStream(this.options.stream);
    this.ready = true;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs ?? 5000);
    this.timer.unref();
    void this.flush();
  }

  /** Stops the timer and waits for the pass in progress (no new pass starts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.ready = false;
    await this.running;
  }

  /** Publishes the pending rows; resolves when the pass (and any asked for meanwhile) is done. */
  flush(): Promise<void> {
    if (!this.ready) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.relay().catch((e: Error) =>
          this.logger.warn(`relay failed, will retry: ${e.message}`),
        );
      } while (this.again && this.ready);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async relay(): Promise<void> {
    const repo = this.options.repository();
    const msgId = this.options.msgId ?? ((row: T) => row.id);
    for (;;) {
      const batch = await repo.find({
        where: { publishedAt: IsNull() } as FindOptionsWhere<T>,
        order: { createdAt: 'ASC' } as FindOptionsOrder<T>,
        take: BATCH,
      });
      if (batch.length === 0) return;
      for (const row of batch) {
        const ctx = contextFromHeaders((name) => row.headers[name], randomUUID);
        await RequestContext.run(ctx, () =>
          this.jetstream.publish(row.subject, row.payload, msgId(row)),
        );
        // T is only known to extend OutboxRecord, which TypeORM's mapped types cannot see through
        const published = { publishedAt: new Date() } as unknown as QueryDeepPartialEntity<T>;
        await repo.update(row.id, published);
      }
      if (!this.ready) return;
    }
  }
}
