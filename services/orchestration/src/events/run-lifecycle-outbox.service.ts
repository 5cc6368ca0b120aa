import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ORCHESTRATION_STREAM_SPEC } from '@postmagiq/contracts';
import { JetStreamService, OutboxRelay } from '@postmagiq/platform';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_DB, OutboxEntity } from '../entities';

/**
 * Publishes `orchestration.run.started` / `.finished` from the outbox the steps write them to
 * (the platform's OutboxRelay), with the row's `msg_id` as JetStream message id. A pass runs after
 * each step that wrote one and every few seconds.
 */
@Injectable()
export class RunLifecycleOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay<OutboxEntity>;

  constructor(@InjectDataSource(ORCHESTRATION_DB) ds: DataSource, jetstream: JetStreamService) {
    this.relay = new OutboxRelay(jetstream, {
      name: 'RunLifecycleOutbox',
      stream: ORCHESTRATION_STREAM_SPEC,
      repository: () => ds.getRepository(OutboxEntity),
      msgId: (row) => row.msgId,
    });
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
