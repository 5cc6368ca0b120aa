import type { CameraAngle } from '@postmagiq/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'poses' })
@Index('poses_workspace_idx', ['workspaceId', 'createdAt'])
export class PoseEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('uuid', { name: 'sentiment_id', nullable: true }) sentimentId!: string | null;
  @Column('varchar', { name: 'camera_angle', length: 32, default: 'eye-level' })
  cameraAngle!: CameraAngle;
}
