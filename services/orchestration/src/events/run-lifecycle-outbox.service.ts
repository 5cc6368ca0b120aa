import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RUN_STARTED_SUBJECT,
} from '@postmagiq/contracts';
import { JetStreamService, RequestContext } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ORCHESTRATION_DB, OutboxEntity } from '../entities';

/**
 * Publishes `orchestration.run.started` / `.finished` from the outbox the steps write them to, with
 * the row's message id (JetStream drops a duplicate within the stream's window). A pass runs after
 * each step that wrote one and every few seconds, so a crash or a NATS outage delays an event,
 * never loses or doubles it.
 */
@Injectable()
export class RunLifecycleOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunLifecycleOutbox');
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private ready = false;

  constructor(
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
    private readonly jetstream: JetStreamService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.ensureStream({
      name: ORCHESTRATION_STREAM,
      subjects: [RUN_STARTED_SUBJECT, RUN_FINISHED_SUBJECT],
      duplicateWindowMs: 60 * 60_000,
    });
    this.ready = true;
    this.timer = setInterval(() => void this.flush(), 5000);
    this.timer.unref();
    void this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.ready = false;
    await this.running;
  }

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
    const repo = this.ds.getRepository(OutboxEntity);
    for (;;) {
      const batch = await repo.find({
        where: { publishedAt: IsNull() },
        order: { createdAt: 'ASC' },
        take: 100,
      });
      if (batch.length === 0) return;
      for (const row of batch) {
        const ctx = {
          requestId: row.headers['x-request-id'] ?? randomUUID(),
          ...(row.headers['x-workspace-id'] ? { workspaceId: row.headers['x-workspace-id'] } : {}),
          ...(row.headers['x-run-id'] ? { runId: row.headers['x-run-id'] } : {}),
        };
        await RequestContext.run(ctx, () =>
          this.jetstream.publish(row.subject, row.payload, row.msgId),
        );
        await repo.update({ id: row.id }, { publishedAt: new Date() });
      }
    }
  }
}
