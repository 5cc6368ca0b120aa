import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One refresh token of a session. A session is a family: every refresh marks the presented token
 * used and adds its successor to the family. Presenting a used token again revokes the family.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('refresh_tokens_family_id_idx')
  @Column('uuid', { name: 'family_id' })
  familyId!: string;

  @Index('refresh_tokens_user_id_idx')
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Index('refresh_tokens_token_hash_key', { unique: true })
  @Column('varchar', { name: 'token_hash', length: 64 })
  tokenHash!: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('varchar', { name: 'ip_address', length: 64, nullable: true })
  ipAddress!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
