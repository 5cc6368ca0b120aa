import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ReindexResult } from '@postmagiq/contracts';
import { DataSource } from 'typeorm';
import { CONTENT_DB, PostEntity, SourceEntity, StoryEntryEntity } from '../entities';
import { EmbeddingsService, IndexItem } from './embeddings.service';
import { indexItemOf } from './index-items';

@Injectable()
export class ReindexService {
  constructor(
    @InjectDataSource(CONTENT_DB) private readonly ds: DataSource,
    private readonly embeddings: EmbeddingsService,
  ) {}

  /** Re-embeds every post, story entry and source of the workspace, one item at a time. */
  async reindexWorkspace(ws: string): Promise<ReindexResult> {
    const items: IndexItem[] = [
      ...(await this.ds.getRepository(PostEntity).findBy({ workspaceId: ws })).map(
        indexItemOf.post,
      ),
      ...(await this.ds.getRepository(StoryEntryEntity).findBy({ workspaceId: ws })).map(
        indexItemOf.storyEntry,
      ),
      ...(await this.ds.getRepository(SourceEntity).findBy({ workspaceId: ws })).map(
        indexItemOf.source,
      ),
    ];
    let chunks = 0;
    for (const item of items) chunks += await this.embeddings.index(item);
    return { items: items.length, chunks };
  }
}
