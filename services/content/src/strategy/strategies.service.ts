import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  ContentPageQuery,
  CreateStrategyRequest,
  Page,
  Strategy,
  UpdateStrategyRequest,
} from '@postmagiq/contracts';
import { DataSource, EntityManager, In } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import {
  ChapterEntity,
  CONTENT_DB,
  PostEntity,
  SentimentEntity,
  StoryEntryEntity,
  StrategyEntity,
} from '../entities';
import { EmbeddingsService } from '../intelligence/embeddings.service';

/** Content strategies; deleting one deletes its chapters and story entries (posts stay, unlinked). */
@Injectable()
export class StrategiesService extends WorkspaceCrudService<
  StrategyEntity,
  CreateStrategyRequest,
  UpdateStrategyRequest,
  Strategy
> {
  protected readonly entity = StrategyEntity;
  protected readonly what = 'strategy';

  constructor(
    @InjectDataSource(CONTENT_DB) ds: DataSource,
    private readonly embeddings: EmbeddingsService,
  ) {
    super(ds);
  }

  protected toDto(e: StrategyEntity & { chapterCount?: number }): Strategy {
    return {
      id: e.id,
      name: e.name,
      thesis: e.thesis,
      enemy: e.enemy,
      archived: e.archived,
      chapterCount: e.chapterCount ?? 0,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected fromCreate(body: CreateStrategyRequest): Partial<StrategyEntity> {
    return body;
  }

  protected applyUpdate(e: StrategyEntity, body: UpdateStrategyRequest): void {
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: StrategyEntity, m: EntityManager): Promise<void> {
    const entries = await m.find(StoryEntryEntity, {
      select: { id: true },
      where: { workspaceId: e.workspaceId, strategyId: e.id },
    });
    await unlinkStoryEntries(
      m,
      this.embeddings,
      e.workspaceId,
      entries.map((s) => s.id),
    );
    await m.update(
      SentimentEntity,
      { workspaceId: e.workspaceId, strategyId: e.id },
      { strategyId: null },
    );
  }

  override async list(ws: string, page: ContentPageQuery): Promise<Page<Strategy>> {
    const result = await super.list(ws, page);
    const counts = await this.chapterCounts(
      ws,
      result.items.map((s) => s.id),
    );
    return {
      ...result,
      items: result.items.map((s) => ({ ...s, chapterCount: counts.get(s.id) ?? 0 })),
    };
  }

  override async get(ws: string, id: string): Promise<Strategy> {
    const s = await super.get(ws, id);
    return { ...s, chapterCount: (await this.chapterCounts(ws, [id])).get(id) ?? 0 };
  }

  override async update(ws: string, id: string, body: UpdateStrategyRequest): Promise<Strategy> {
    await super.update(ws, id, body);
    return this.get(ws, id);
  }

  private async chapterCounts(ws: string, ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ds
      .getRepository(ChapterEntity)
      .createQueryBuilder('c')
      .select('c.strategy_id', 'id')
      .addSelect('count(*)::int', 'n')
      .where({ workspaceId: ws, strategyId: In(ids) })
      .groupBy('c.strategy_id')
      .getRawMany<{ id: string; n: number }>();
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }
}

/**
 * Before story entries disappear: their posts stay in the library without the link, and their
 * chunks leave the search index. Runs in the caller's transaction.
 */
export async function unlinkStoryEntries(
  m: EntityManager,
  embeddings: EmbeddingsService,
  ws: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await m.update(PostEntity, { workspaceId: ws, storyEntryId: In(ids) }, { storyEntryId: null });
  await embeddings.removeWith(m, ws, 'story_entry', ids);
}
