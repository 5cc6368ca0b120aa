import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A workspace's Stripe subscription as last reported. `eventCreated` is the `created` of the event
 * that wrote it: an older event never overwrites a newer one (webhooks arrive out of order).
 */
@Entity({ name: 'subscriptions' })
@Index('subscriptions_workspace_idx', ['workspaceId'])
export class SubscriptionEntity {
  @PrimaryColumn('varchar', { length: 255 })
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { name: 'plan_code', length: 64, nullable: true })
  planCode!: string | null;

  @Column('varchar', { length: 32 })
  status!: string;

  @Column('timestamptz', { name: 'current_period_start', nullable: true })
  currentPeriodStart!: Date | null;

  @Column('timestamptz', { name: 'current_period_end', nullable: true })
  currentPeriodEnd!: Date | null;

  @Column('bigint', { name: 'event_created' })
  eventCreated!: string;
}
