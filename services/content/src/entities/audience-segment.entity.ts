import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'audience_segments' })
@Index('audience_segments_workspace_idx', ['workspaceId', 'createdAt'])
@Index('audience_segments_one_primary_key', ['workspaceId'], {
  unique: true,
  where: '"is_primary"',
})
export class AudienceSegmentEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('jsonb', { default: () => "'{}'" }) demographics!: Record<string, unknown>;
  @Column('jsonb', { default: () => "'{}'" }) psychographics!: Record<string, unknown>;
  @Column('boolean', { name: 'is_primary', default: false }) isPrimary!: boolean;
}
