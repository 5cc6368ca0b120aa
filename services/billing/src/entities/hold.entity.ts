import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { micros } from './micros.transformer';

export type HoldStatus = 'open' | 'exhausted' | 'settled';

/** Credit reserved for one run: placed before it starts, extended while it spends, settled at its end. */
@Entity({ name: 'holds' })
@Index('holds_open_expiry_idx', ['expiresAt'], { where: "status <> 'settled'" })
@Index('holds_workspace_status_idx', ['workspaceId', 'status'])
export class HoldEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { length: 16 })
  status!: HoldStatus;

  /** Reserved in all (the first estimate plus every extension). */
  @Column('bigint', { transformer: micros })
  amount!: number;

  /** Spent against it; the part above `amount` was taken from the available balance. */
  @Column('bigint', { transformer: micros, default: 0 })
  captured!: number;

  /** Extensions so far (the entry key of the next is `extend:<run>:<n+1>`). */
  @Column('int', { default: 0 })
  extensions!: number;

  @Column('bigint', { name: 'last_estimate', transformer: micros })
  lastEstimate!: number;

  /** Past this the reconciliation sweep settles a hold whose run never reported its end. */
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'settled_at', nullable: true })
  settledAt!: Date | null;
}
