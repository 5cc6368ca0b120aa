import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { micros } from './micros.transformer';

export type GrantSource = 'allowance' | 'purchase' | 'recharge' | 'promotion' | 'adjustment';

/**
 * Credit given to a workspace. Spend draws from grants by priority (lower first), then earliest
 * expiry, then oldest; what is left at expiry is closed with an `expire:<grant>` entry.
 */
@Entity({ name: 'credit_grants' })
@Index('credit_grants_source_ref', ['workspaceId', 'source', 'sourceRef'], { unique: true })
@Index('credit_grants_payment_idx', ['stripePaymentIntent'], {
  where: 'stripe_payment_intent IS NOT NULL',
})
@Index('credit_grants_drawable_idx', ['workspaceId', 'priority', 'expiresAt', 'createdAt'], {
  where: 'remaining > 0 AND voided_at IS NULL',
})
export class CreditGrantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { length: 16 })
  source!: GrantSource;

  /** What the grant came from (checkout session, invoice, …): unique per source and workspace. */
  @Column('varchar', { name: 'source_ref', length: 255 })
  sourceRef!: string;

  @Column('bigint', { transformer: micros })
  amount!: number;

  /** The Stripe payment that bought it: a refund or dispute of that payment takes it back. */
  @Column('varchar', { name: 'stripe_payment_intent', length: 255, nullable: true })
  stripePaymentIntent!: string | null;

  @Column('bigint', { transformer: micros })
  remaining!: number;

  @Column('int', { default: 100 })
  priority!: number;

  @Column('timestamptz', { name: 'effective_at' })
  effectiveAt!: Date;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('timestamptz', { name: 'voided_at', nullable: true })
  voidedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
