import type { WorkspaceRole } from '@postmagiq/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { WorkspaceEntity } from './workspace.entity';

/** An emailed, expiring, single-use invitation; only the token's SHA-256 is stored. */
@Entity({ name: 'invites' })
export class InviteEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('invites_workspace_id_idx')
  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'invites_workspace_fk' })
  workspace?: WorkspaceEntity;

  @Column('varchar', { length: 254 })
  email!: string;

  @Column('varchar', { length: 16 })
  role!: WorkspaceRole;

  @Index('invites_token_hash_key', { unique: true })
  @Column('varchar', { name: 'token_hash', length: 64 })
  tokenHash!: string;

  @Column('uuid', { name: 'invited_by' })
  invitedBy!: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'accepted_at', nullable: true })
  acceptedAt!: Date | null;

  @Column('uuid', { name: 'accepted_by', nullable: true })
  acceptedBy!: string | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
