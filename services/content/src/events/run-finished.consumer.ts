import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  ORCHESTRATION_STREAM,
  ORCHESTRATION_STREAM_SPEC,
  RUN_FINISHED_SUBJECT,
  RunFinishedEventSchema,
} from '@postmagiq/contracts';
import { JetStreamService, NATS_CONNECTION } from '@postmagiq/platform';
// the NATS types come from nats-core (see libs/platform/src/nats/nats-client.ts for why)
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { PostsService } from '../posts/posts.service';

/** Durable consumer name: replicas share it, so each event is handled by one of them. */
export const RUN_FINISHED_DURABLE = 'content-run-finished';

/**
 * Stores each finished run's post as a new version (JetStream, durable, at-least-once). The
 * handler is idempotent by run id, so redeliveries and duplicates store one version.
 */
@Injectable()
export class RunFinishedConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('RunFinishedConsumer');

  constructor(
    private readonly jetstream: JetStreamService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly posts: PostsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureStream();
    await this.jetstream.consume(
      ORCHESTRATION_STREAM,
      RUN_FINISHED_DURABLE,
      [RUN_FINISHED_SUBJECT],
      RunFinishedEventSchema,
      async (ev) => {
        const outcome = await this.posts.storeRunOutput(ev);
        if (outcome !== 'stored') this.logger.log(`run ${ev.runId} (${ev.status}): ${outcome}`);
      },
    );
  }

  /**
   * Orchestration owns the stream; it is created here only when missing (so this consumer can
   * start first), and never updated, so the owner's configuration is not overwritten.
   */
  private async ensureStream(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(ORCHESTRATION_STREAM);
    } catch {
      // the same declaration as orchestration's
      await this.jetstream.ensureStream(ORCHESTRATION_STREAM_SPEC);
    }
  }
}
