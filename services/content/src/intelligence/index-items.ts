import type { PostEntity, SourceEntity, StoryEntryEntity } from '../entities';
import type { IndexItem } from './embeddings.service';

/** What each kind of item contributes to the index (one definition, used on write and on reindex). */
export const indexItemOf = {
  post: (p: Pick<PostEntity, 'workspaceId' | 'id' | 'title' | 'content'>): IndexItem => ({
    workspaceId: p.workspaceId,
    sourceType: 'post',
    sourceId: p.id,
    title: p.title,
    text: p.content,
  }),
  storyEntry: (
    s: Pick<StoryEntryEntity, 'workspaceId' | 'id' | 'title' | 'topic' | 'storySource'>,
  ): IndexItem => ({
    workspaceId: s.workspaceId,
    sourceType: 'story_entry',
    sourceId: s.id,
    title: s.title || s.topic,
    text: [s.title, s.topic, s.storySource].filter((t) => t.trim() !== '').join('\n\n'),
  }),
  source: (s: Pick<SourceEntity, 'workspaceId' | 'id' | 'title' | 'text'>): IndexItem => ({
    workspaceId: s.workspaceId,
    sourceType: 'source',
    sourceId: s.id,
    title: s.title,
    text: `${s.title}\n\n${s.text}`,
  }),
};
