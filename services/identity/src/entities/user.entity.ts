import type { SystemRole } from '@postmagiq/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Lower-cased on the way in; unique. */
  @Index('users_email_key', { unique: true })
  @Column('varchar', { length: 254 })
  email!: string;

  @Column('varchar', { length: 120 })
  name!: string;

  @Column('varchar', { name: 'password_hash', length: 255 })
  passwordHash!: string;

  @Column('varchar', { length: 16, default: 'user' })
  role!: SystemRole;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  /** Workspace a login lands in when none is asked for. */
  @Column('uuid', { name: 'last_workspace_id', nullable: true })
  lastWorkspaceId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
