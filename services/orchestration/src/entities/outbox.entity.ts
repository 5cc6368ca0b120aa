import { OutboxColumns } from '@postmagiq/platform';
import { Column, Entity, Index } from 'typeorm';

/**
 * Transactional outbox of JetStream events (run started/finished): written in the step that
 * produced them, published afterwards with `msg_id` as JetStream message id, so a crash delays an
 * event but never loses or doubles it.
 */
@Entity({ name: 'outbox' })
@Index('orchestration_outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxEntity extends OutboxColumns {
  /** `runLifecycleMsgId`: started and finished events of one run need ids of their own. */
  @Column('varchar', { name: 'msg_id', length: 200 })
  msgId!: string;
}
