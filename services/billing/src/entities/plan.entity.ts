import { Column, Entity, PrimaryColumn } from 'typeorm';
import { micros } from './micros.transformer';

/** A subscription tier: its monthly price and the allowance granted on each paid invoice. */
@Entity({ name: 'plans' })
export class PlanEntity {
  @PrimaryColumn('varchar', { length: 64 })
  code!: string;

  @Column('varchar', { length: 100 })
  name!: string;

  @Column('bigint', { name: 'monthly_price', transformer: micros })
  monthlyPrice!: number;

  @Column('bigint', { transformer: micros })
  allowance!: number;

  @Column('varchar', { name: 'stripe_price_id', length: 255, nullable: true })
  stripePriceId!: string | null;

  @Column('boolean', { default: true })
  active!: boolean;
}
