import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every Stripe webhook event received, inserted before anything else: a duplicate does nothing. */
@Entity({ name: 'stripe_events' })
export class StripeEventEntity {
  @PrimaryColumn('varchar', { length: 255 })
  id!: string;

  @Column('varchar', { length: 100 })
  type!: string;

  /** The event's `created` (seconds since the epoch). */
  @Column('bigint')
  created!: string;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt!: Date;
}
