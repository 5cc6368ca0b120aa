import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { IDENTITY_STREAM, IDENTITY_STREAM_SUBJECTS, IdentitySubjects } from '@postmagiq/contracts';
import { JetStreamService, NATS_CONNECTION } from '@postmagiq/platform';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { z } from 'zod';
import { AccountsService } from './accounts.service';

/** One durable per subject: NATS before 2.10 (Debian's) takes one filter subject per consumer. */
export const WORKSPACE_EVENT_DURABLES = {
  [IdentitySubjects.workspaceCreated]: 'billing-workspace-created',
  [IdentitySubjects.userRegistered]: 'billing-user-registered',
} as const;

/** What both events carry that billing needs. */
const WorkspaceOfEventSchema = z.object({ workspaceId: z.string().uuid() });

/**
 * Opens a billing account for each new workspace (identity's workspace-created and
 * user-registered events). Accounts are also created on demand, so this only front-loads the
 * sign-up credit; creating one twice does nothing.
 */
@Injectable()
export class WorkspaceEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly accounts: AccountsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(IDENTITY_STREAM);
    } catch {
      await this.jetstream.ensureStream({
        name: IDENTITY_STREAM,
        subjects: IDENTITY_STREAM_SUBJECTS,
      });
    }
    for (const [subject, durable] of Object.entries(WORKSPACE_EVENT_DURABLES))
      await this.jetstream.consume(
        IDENTITY_STREAM,
        durable,
        [subject],
        WorkspaceOfEventSchema,
        async (ev) => {
          await this.accounts.open(ev.workspaceId);
        },
      );
  }
}
