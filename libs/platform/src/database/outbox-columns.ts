import { Column, CreateDateColumn, PrimaryColumn } from 'typeorm';
import type { OutboxRecord } from '../nats/outbox-relay';

/**
 * The columns of a transactional outbox table, as the platform's OutboxRelay reads them. Each
 * service declares its own table (`@Entity` and its unpublished-rows index, in its schema) by
 * extending this class, and adds what only it needs (a message id of its own).
 */
export abstract class OutboxColumns implements OutboxRecord {
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
