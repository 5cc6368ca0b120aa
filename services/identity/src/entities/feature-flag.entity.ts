import type { SystemRole, WorkspaceRole } from '@postmagiq/contracts';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A console feature switched on for some system roles and/or workspace roles. */
@Entity({ name: 'feature_flags' })
export class FeatureFlagEntity {
  @PrimaryColumn('varchar', { length: 64 })
  key!: string;

  @Column('varchar', { length: 255, default: '' })
  description!: string;

  @Column('text', { name: 'system_roles', array: true, default: () => "'{}'" })
  systemRoles!: SystemRole[];

  @Column('text', { name: 'workspace_roles', array: true, default: () => "'{}'" })
  workspaceRoles!: WorkspaceRole[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
