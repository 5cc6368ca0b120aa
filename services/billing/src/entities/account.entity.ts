import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { micros } from './micros.transformer';

/** One per workspace, created on demand or when identity reports the workspace. */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { name: 'stripe_customer_id', length: 255, nullable: true })
  stripeCustomerId!: string | null;

  @Column('varchar', { name: 'plan_code', length: 64, nullable: true })
  planCode!: string | null;

  /** How far below zero the available balance may go when a hold is placed. */
  @Column('bigint', { name: 'overdraft_limit', default: 0, transformer: micros })
  overdraftLimit!: number;

  @Column('boolean', { name: 'auto_recharge_enabled', default: false })
  autoRechargeEnabled!: boolean;

  @Column('bigint', { name: 'auto_recharge_threshold', default: 0, transformer: micros })
  autoRechargeThreshold!: number;

  @Column('bigint', { name: 'auto_recharge_target', default: 0, transformer: micros })
  autoRechargeTarget!: number;

  @Column('bigint', { name: 'auto_recharge_monthly_cap', default: 0, transformer: micros })
  autoRechargeMonthlyCap!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
