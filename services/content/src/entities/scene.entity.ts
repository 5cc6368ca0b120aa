import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'scenes' })
@Index('scenes_workspace_idx', ['workspaceId', 'createdAt'])
export class SceneEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('uuid', { name: 'sentiment_id', nullable: true }) sentimentId!: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) props!: string[];
}
