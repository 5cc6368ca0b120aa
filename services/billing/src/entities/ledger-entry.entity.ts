import type { LedgerEntryKind } from '@postmagiq/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { micros } from './micros.transformer';

/**
 * Append-only: a balance is the sum of its entries, and a correction is a new entry. The
 * idempotency key (`hold:<run>`, `capture:<msg id>`, `grant:checkout:<session>`, …) is unique per
 * workspace, so whatever is delivered twice is written once.
 */
@Entity({ name: 'ledger_entries' })
@Index('ledger_entries_workspace_key', ['workspaceId', 'idempotencyKey'], { unique: true })
@Index('ledger_entries_workspace_id_idx', ['workspaceId', 'id'])
@Index('ledger_entries_run_idx', ['runId'])
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { name: 'idempotency_key', length: 255 })
  idempotencyKey!: string;

  @Column('varchar', { length: 16 })
  kind!: LedgerEntryKind;

  @Column('bigint', { name: 'available_delta', transformer: micros })
  availableDelta!: number;

  @Column('bigint', { name: 'held_delta', transformer: micros })
  heldDelta!: number;

  @Column('uuid', { name: 'run_id', nullable: true })
  runId!: string | null;

  @Column('uuid', { name: 'grant_id', nullable: true })
  grantId!: string | null;

  @Column('varchar', { length: 500, default: '' })
  description!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
