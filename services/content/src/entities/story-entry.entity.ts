import type { StoryEntryStatus, StoryShape } from '@postmagiq/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { ChapterEntity } from './chapter.entity';
import { Timestamped } from './columns';

/** `week_number` runs 1..n per chapter (deferred unique, like chapter numbers). */
@Entity({ name: 'story_entries' })
@Unique('story_entries_chapter_week_key', ['chapterId', 'weekNumber'], {
  deferrable: 'INITIALLY DEFERRED',
})
@Index('story_entries_workspace_status_idx', ['workspaceId', 'status'])
export class StoryEntryEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'chapter_id' })
  chapterId!: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id', foreignKeyConstraintName: 'story_entries_chapter_fk' })
  chapter?: ChapterEntity;

  /** Denormalised from the chapter so workspace-wide queries need no join. */
  @Column('uuid', { name: 'strategy_id' })
  strategyId!: string;

  @Column('int', { name: 'week_number' })
  weekNumber!: number;

  @Column('varchar', { length: 200, default: '' })
  title!: string;

  @Column('text')
  topic!: string;

  @Column('text', { name: 'story_source', default: '' })
  storySource!: string;

  @Column('varchar', { length: 32, default: 'full' })
  shape!: StoryShape;

  @Column('varchar', { length: 100, default: 'weekly' })
  cadence!: string;

  @Column('varchar', { length: 16, default: 'planned' })
  status!: StoryEntryStatus;
}
