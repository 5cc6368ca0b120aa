import { OutboxColumns } from '@postmagiq/platform';
import { Entity, Index } from 'typeorm';

/**
 * Identity's transactional outbox: an event is written in the same transaction as the change it
 * reports and published to JetStream afterwards with its id as message id, so it is never lost and
 * never doubled.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxEntity extends OutboxColumns {}
