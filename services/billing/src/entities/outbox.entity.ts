import { OutboxColumns } from '@postmagiq/platform';
import { Column, Entity, Index } from 'typeorm';

/**
 * Transactional outbox of billing's JetStream events (credit exhausted/added), written in the
 * ledger transaction that caused them and relayed by the platform's OutboxRelay.
 */
@Entity({ name: 'outbox' })
@Index('billing_outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxEntity extends OutboxColumns {
  /** A repeated write of the same event (`exhausted:<run>:<n>`, `credit:<grant>`) is one message. */
  @Column('varchar', { name: 'msg_id', length: 200 })
  msgId!: string;
}
