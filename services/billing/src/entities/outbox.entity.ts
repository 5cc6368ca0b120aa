import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Transactional outbox of billing's JetStream events (credit exhausted/added, alerts), written in
 * the ledger transaction that caused them and relayed by the platform's OutboxRelay.
 * (Issue 12 moves one outbox entity into the platform; this is the same shape as the others.)
 */
@Entity({ name: 'outbox' })
@Index('billing_outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { length: 128 })
  subject!: string;

  @Column('varchar', { name: 'msg_id', length: 200 })
  msgId!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('jsonb', { default: () => "'{}'" })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}
