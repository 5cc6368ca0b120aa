import type { PostPlatform, PostStatus } from '@postmagiq/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

/**
 * A post and its current text (a copy of its latest version, for listing and full-text search).
 * The search index is an expression GIN index created by migration (`synchronize: false`).
 */
@Entity({ name: 'posts' })
@Index('posts_workspace_status_idx', ['workspaceId', 'status', 'updatedAt'])
@Index('posts_workspace_story_entry_idx', ['workspaceId', 'storyEntryId'])
@Index('posts_search_idx', { synchronize: false })
export class PostEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  /** No foreign key: a story entry may be deleted while its posts stay in the library. */
  @Column('uuid', { name: 'story_entry_id', nullable: true })
  storyEntryId!: string | null;

  @Column('uuid', { name: 'voice_profile_id', nullable: true })
  voiceProfileId!: string | null;

  @Column('varchar', { length: 200 })
  title!: string;

  @Column('text', { default: '' })
  content!: string;

  @Column('varchar', { length: 16, default: 'draft' })
  status!: PostStatus;

  @Column('varchar', { length: 16, default: 'linkedin' })
  platform!: PostPlatform;

  @Column('int', { name: 'current_version', default: 0 })
  currentVersion!: number;

  @Column('int', { name: 'word_count', default: 0 })
  wordCount!: number;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}
