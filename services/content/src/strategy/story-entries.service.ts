import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  ContentPageQuery,
  CreateStoryEntryRequest,
  NextStoryEntry,
  Page,
  StoryEntryDto,
  StoryEntryStatus,
  UpdateStoryEntryRequest,
} from '@postmagiq/contracts';
import { Problems } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined } from '../common/workspace-crud.service';
import { ChapterEntity, CONTENT_DB, StoryEntryEntity, StrategyEntity } from '../entities';
import { EmbeddingsService } from '../intelligence/embeddings.service';
import { indexItemOf } from '../intelligence/index-items';
import { closeSlot, moveSlot, openSlot, PositionedList, reorder } from './positions';
import { unlinkStoryEntries } from './strategies.service';

export const STORY_ENTRIES: PositionedList<StoryEntryEntity> = {
  entity: StoryEntryEntity,
  parentColumn: 'chapter_id',
  positionColumn: 'week_number',
  positionProperty: 'weekNumber',
  field: 'weekNumber',
};

export function storyEntryDto(e: StoryEntryEntity): StoryEntryDto {
  return {
    id: e.id,
    chapterId: e.chapterId,
    strategyId: e.strategyId,
    weekNumber: e.weekNumber,
    title: e.title,
    topic: e.topic,
    storySource: e.storySource,
    shape: e.shape,
    cadence: e.cadence,
    status: e.status,
    createdAt: isoOf(e.createdAt),
    updatedAt: isoOf(e.updatedAt),
  };
}

/** Story entries of a chapter (weeks 1..n without gaps), and what to write next. */
@Injectable()
export class StoryEntriesService {
  constructor(
    @InjectDataSource(CONTENT_DB) private readonly ds: DataSource,
    private readonly embeddings: EmbeddingsService,
  ) {}

  async list(ws: string, chapterId: string, page: ContentPageQuery): Promise<Page<StoryEntryDto>> {
    await this.chapter(this.ds.manager, ws, chapterId);
    const [rows, total] = await this.ds.getRepository(StoryEntryEntity).findAndCount({
      where: { workspaceId: ws, chapterId },
      order: { weekNumber: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(storyEntryDto), total, limit: page.limit, offset: page.offset };
  }

  async get(ws: string, id: string): Promise<StoryEntryDto> {
    return storyEntryDto(await this.find(this.ds.manager, ws, id));
  }

  async create(
    ws: string,
    chapterId: string,
    body: CreateStoryEntryRequest,
  ): Promise<StoryEntryDto> {
    const row = await this.ds.transaction(async (m) => {
      const chapter = await this.chapter(m, ws, chapterId, true);
      const weekNumber = await openSlot(m, STORY_ENTRIES, chapterId, body.weekNumber);
      const { weekNumber: _ignored, ...fields } = body;
      return m.save(
        StoryEntryEntity,
        m.create(StoryEntryEntity, {
          ...fields,
          id: randomUUID(),
          workspaceId: ws,
          chapterId,
          strategyId: chapter.strategyId,
          weekNumber,
        }),
      );
    });
    await this.embeddings.indexQuietly(indexItemOf.storyEntry(row));
    return storyEntryDto(row);
  }

  async update(ws: string, id: string, body: UpdateStoryEntryRequest): Promise<StoryEntryDto> {
    const row = await this.ds.transaction(async (m) => {
      const entry = await this.lockedEntry(m, ws, id);
      const { weekNumber, ...fields } = body;
      if (weekNumber !== undefined && weekNumber !== entry.weekNumber) {
        entry.weekNumber = await moveSlot(
          m,
          STORY_ENTRIES,
          entry.chapterId,
          entry.weekNumber,
          weekNumber,
        );
      }
      assignDefined(entry, fields);
      return m.save(StoryEntryEntity, entry);
    });
    if (body.title !== undefined || body.topic !== undefined || body.storySource !== undefined) {
      await this.embeddings.indexQuietly(indexItemOf.storyEntry(row));
    }
    return storyEntryDto(row);
  }

  async remove(ws: string, id: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const entry = await this.lockedEntry(m, ws, id);
      await unlinkStoryEntries(m, this.embeddings, ws, [id]);
      await m.delete(StoryEntryEntity, { id, workspaceId: ws });
      await closeSlot(m, STORY_ENTRIES, entry.chapterId, entry.weekNumber);
    });
  }

  async reorder(ws: string, chapterId: string, ids: string[]): Promise<Page<StoryEntryDto>> {
    await this.ds.transaction(async (m) => {
      await this.chapter(m, ws, chapterId, true);
      await reorder(m, STORY_ENTRIES, chapterId, ids);
    });
    return this.list(ws, chapterId, { limit: 100, offset: 0 });
  }

  /**
   * The first planned entry of the workspace: strategies that are not archived, oldest first, then
   * chapter number, then week number.
   */
  async next(ws: string): Promise<NextStoryEntry> {
    const qb = () =>
      this.ds
        .getRepository(StoryEntryEntity)
        .createQueryBuilder('e')
        .innerJoin(ChapterEntity, 'c', 'c.id = e.chapter_id')
        .innerJoin(StrategyEntity, 's', 's.id = e.strategy_id')
        .where(`e.workspace_id = :ws AND e.status = 'planned' AND s.archived = false`, { ws });
    const remaining = await qb().getCount();
    const entry = await qb()
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .addOrderBy('c.number', 'ASC')
      .addOrderBy('e.week_number', 'ASC')
      .getOne();
    if (!entry) return { entry: null, strategy: null, chapter: null, remaining };
    const chapter = await this.ds
      .getRepository(ChapterEntity)
      .findOneByOrFail({ id: entry.chapterId, workspaceId: ws });
    const strategy = await this.ds
      .getRepository(StrategyEntity)
      .findOneByOrFail({ id: entry.strategyId, workspaceId: ws });
    return {
      entry: storyEntryDto(entry),
      strategy: { id: strategy.id, name: strategy.name },
      chapter: { id: chapter.id, number: chapter.number, theme: chapter.theme },
      remaining,
    };
  }

  /** Moves an entry's status as its posts progress (used by posts, in their transaction). */
  async setStatusWith(
    m: EntityManager,
    ws: string,
    id: string,
    status: StoryEntryStatus,
    onlyFrom?: StoryEntryStatus[],
  ): Promise<void> {
    const qb = m
      .createQueryBuilder()
      .update(StoryEntryEntity)
      .set({ status })
      .where('id = :id AND workspace_id = :ws', { id, ws });
    if (onlyFrom) qb.andWhere('status IN (:...onlyFrom)', { onlyFrom });
    await qb.execute();
  }

  private async chapter(
    m: EntityManager,
    ws: string,
    id: string,
    lock = false,
  ): Promise<ChapterEntity> {
    const c = await m.findOne(ChapterEntity, {
      where: { id, workspaceId: ws },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!c) throw Problems.notFound('chapter');
    return c;
  }

  private async find(m: EntityManager, ws: string, id: string): Promise<StoryEntryEntity> {
    const e = await m.findOne(StoryEntryEntity, { where: { id, workspaceId: ws } });
    if (!e) throw Problems.notFound('story entry');
    return e;
  }

  private async lockedEntry(m: EntityManager, ws: string, id: string): Promise<StoryEntryEntity> {
    const e = await this.find(m, ws, id);
    await this.chapter(m, ws, e.chapterId, true);
    return this.find(m, ws, id);
  }
}
