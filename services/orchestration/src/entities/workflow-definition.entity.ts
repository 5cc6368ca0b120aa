import type { WorkflowDefinition } from '@postmagiq/workflow-engine';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A workspace's own workflow: the YAML as uploaded and its validated form. */
@Entity({ name: 'workflow_definitions' })
@Index('workflow_definitions_workspace_name_key', ['workspaceId', 'name'], { unique: true })
export class WorkflowDefinitionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { length: 100 })
  name!: string;

  @Column('text')
  source!: string;

  @Column('jsonb')
  definition!: WorkflowDefinition;

  @Column('uuid', { name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
