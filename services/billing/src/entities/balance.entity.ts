import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { micros } from './micros.transformer';

/**
 * A workspace's balance: the running sums of its ledger entries' deltas, updated in the same
 * transaction as each entry. The row is also the workspace's money lock: every ledger write
 * updates it first, so writes of one workspace take turns and never interleave.
 */
@Entity({ name: 'balances' })
export class BalanceEntity {
  @PrimaryColumn('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('bigint', { default: 0, transformer: micros })
  available!: number;

  @Column('bigint', { default: 0, transformer: micros })
  held!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
