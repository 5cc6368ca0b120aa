import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Transactional outbox: an event is written in the same transaction as the change it reports and
 * published to JetStream afterwards with its id as message id, so it is never lost and never
 * doubled.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { length: 128 })
  subject!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  /** Request context (request id, workspace id) to carry as NATS headers. */
  @Column('jsonb', { default: () => "'{}'" })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}
