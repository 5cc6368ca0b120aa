import type { ImageAspect } from '@postmagiq/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

/** An image prompt as composed when saved; part ids are set to null when a part is deleted. */
@Entity({ name: 'image_prompts' })
@Index('image_prompts_workspace_idx', ['workspaceId', 'createdAt'])
export class ImagePromptEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('uuid', { name: 'post_id', nullable: true }) postId!: string | null;
  @Column('uuid', { name: 'character_id', nullable: true }) characterId!: string | null;
  @Column('uuid', { name: 'scene_id', nullable: true }) sceneId!: string | null;
  @Column('uuid', { name: 'pose_id', nullable: true }) poseId!: string | null;
  @Column('uuid', { name: 'outfit_id', nullable: true }) outfitId!: string | null;
  @Column('uuid', { name: 'sentiment_id', nullable: true }) sentimentId!: string | null;
  @Column('uuid', { name: 'prop_ids', array: true, default: () => "'{}'" }) propIds!: string[];
  @Column('varchar', { length: 8, default: '1:1' }) aspect!: ImageAspect;
  @Column('text', { default: '' }) extra!: string;
  @Column('text') prompt!: string;
  @Column('text', { name: 'negative_prompt', default: '' }) negativePrompt!: string;
  @Column('varchar', { length: 64 }) hash!: string;
}
