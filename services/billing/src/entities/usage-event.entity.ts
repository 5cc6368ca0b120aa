import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { micros } from './micros.transformer';

/**
 * Every metered agent call, once: the primary key is the JetStream message id (the call id), so a
 * redelivery, a replay or a second replica inserting it again conflicts and is not counted.
 */
@Entity({ name: 'usage_events' })
@Index('usage_events_workspace_at_idx', ['workspaceId', 'at'])
@Index('usage_events_run_idx', ['runId'])
export class UsageEventEntity {
  @PrimaryColumn('varchar', { name: 'msg_id', length: 200 })
  msgId!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  @Column('varchar', { length: 100 })
  state!: string;

  @Column('varchar', { length: 100 })
  agent!: string;

  @Column('varchar', { length: 32 })
  backend!: string;

  @Column('varchar', { length: 200 })
  model!: string;

  @Column('int', { name: 'tokens_in' })
  tokensIn!: number;

  @Column('int', { name: 'tokens_out' })
  tokensOut!: number;

  @Column('int', { name: 'cached_tokens_in' })
  cachedTokensIn!: number;

  @Column('bigint', { name: 'cost_micros', transformer: micros })
  costMicros!: number;

  @Column('boolean')
  simulated!: boolean;

  @Column('boolean')
  failed!: boolean;

  /** When the call finished (the event's `at`). */
  @Column('timestamptz')
  at!: Date;

  /** The JetStream stream sequence it came with (reconciliation walks the stream by it). */
  @Column('bigint', { name: 'stream_seq', nullable: true })
  streamSeq!: string | null;

  @Column('timestamptz', { name: 'ingested_at', default: () => 'now()' })
  ingestedAt!: Date;
}
