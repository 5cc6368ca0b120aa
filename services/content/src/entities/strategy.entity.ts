import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'strategies' })
@Index('strategies_workspace_idx', ['workspaceId', 'createdAt'])
export class StrategyEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { length: 200 })
  name!: string;

  @Column('text', { default: '' })
  thesis!: string;

  @Column('text', { default: '' })
  enemy!: string;

  @Column('boolean', { default: false })
  archived!: boolean;
}
