import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Transactional outbox of JetStream events (run started/finished): written in the step that
 * produced them, published afterwards with `msg_id` as JetStream message id, so a crash delays an
 * event but never loses or doubles it.
 */
@Entity({ name: 'outbox' })
@Index('orchestration_outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
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
