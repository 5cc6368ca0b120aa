import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  agentTokensSubject,
  AgentTokenChunk,
  AgentTokenChunkSchema,
  RunEvent,
  RunEventSchema,
  runEventsSubject,
} from '@postmagiq/contracts';
import { NATS_CONNECTION } from '@postmagiq/platform';
// the platform reads these types from nats-core's declaration file too (see its nats-client.ts)
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { DataSource, MoreThan } from 'typeorm';
import { ORCHESTRATION_DB, RunEventEntity } from '../entities';

export interface Unsubscribe {
  (): void;
}

/**
 * A run's events across replicas: the durable log in Postgres (replay), and core NATS for live
 * delivery. Whichever replica commits a step publishes its events on `orchestration.run.events.<id>`
 * after the commit; a replica serving a WebSocket subscribes to it. A live message lost (the
 * publisher died right after its commit) shows up as a gap in seq, which the reader fills from the log.
 */
@Injectable()
export class RunEventsBus {
  private readonly logger = new Logger('RunEventsBus');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
  ) {}

  publish(events: readonly RunEvent[]): void {
    for (const event of events) {
      try {
        this.nats.publish(runEventsSubject(event.runId), JSON.stringify(event));
      } catch (e) {
        // the log has it; live readers fill the gap from there
        this.logger.warn(
          `live event ${event.runId}#${event.seq} not published: ${(e as Error).message}`,
        );
      }
    }
  }

  /** Events of the run after `afterSeq`, in order. */
  async replay(runId: string, afterSeq: number, limit = 1000): Promise<RunEvent[]> {
    const rows = await this.ds.getRepository(RunEventEntity).find({
      where: { runId, seq: MoreThan(afterSeq) },
      order: { seq: 'ASC' },
      take: limit,
    });
    return rows.map((r) => r.event);
  }

  subscribeEvents(runId: string, onEvent: (event: RunEvent) => void): Unsubscribe {
    const sub = this.nats.subscribe(runEventsSubject(runId), {
      callback: (err, msg) => {
        if (err) return;
        const parsed = RunEventSchema.safeParse(safeJson(msg.string()));
        if (parsed.success && parsed.data.runId === runId) onEvent(parsed.data);
      },
    });
    return () => sub.unsubscribe();
  }

  subscribeTokens(runId: string, onChunk: (chunk: AgentTokenChunk) => void): Unsubscribe {
    const sub = this.nats.subscribe(agentTokensSubject(runId), {
      callback: (err, msg) => {
        if (err) return;
        const parsed = AgentTokenChunkSchema.safeParse(safeJson(msg.string()));
        if (parsed.success && parsed.data.runId === runId) onChunk(parsed.data);
      },
    });
    return () => sub.unsubscribe();
  }

  /** Resolves once the server has seen our subscriptions (so nothing published after this is missed). */
  async flush(): Promise<void> {
    await this.nats.flush();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
