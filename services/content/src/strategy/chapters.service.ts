import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  Chapter,
  ContentPageQuery,
  CreateChapterRequest,
  Page,
  UpdateChapterRequest,
} from '@postmagiq/contracts';
import { Problems } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined } from '../common/workspace-crud.service';
import { ChapterEntity, CONTENT_DB, StoryEntryEntity, StrategyEntity } from '../entities';
import { EmbeddingsService } from '../intelligence/embeddings.service';
import { closeSlot, moveSlot, openSlot, PositionedList, reorder } from './positions';
import { unlinkStoryEntries } from './strategies.service';

export const CHAPTERS: PositionedList<ChapterEntity> = {
  entity: ChapterEntity,
  parentColumn: 'strategy_id',
  positionColumn: 'number',
  positionProperty: 'number',
  field: 'number',
};

/** Chapters of a strategy, numbered 1..n without gaps. */
@Injectable()
export class ChaptersService {
  constructor(
    @InjectDataSource(CONTENT_DB) private readonly ds: DataSource,
    private readonly embeddings: EmbeddingsService,
  ) {}

  private toDto(e: ChapterEntity, entryCount = 0): Chapter {
    return {
      id: e.id,
      strategyId: e.strategyId,
      number: e.number,
      title: e.title,
      theme: e.theme,
      enemy: e.enemy,
      weeks: e.weeks,
      entryCount,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  async list(ws: string, strategyId: string, page: ContentPageQuery): Promise<Page<Chapter>> {
    await this.strategy(this.ds.manager, ws, strategyId);
    const [rows, total] = await this.ds.getRepository(ChapterEntity).findAndCount({
      where: { workspaceId: ws, strategyId },
      order: { number: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    const counts = await this.entryCounts(
      ws,
      rows.map((r) => r.id),
    );
    return {
      items: rows.map((r) => this.toDto(r, counts.get(r.id))),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }

  async get(ws: string, id: string): Promise<Chapter> {
    const row = await this.find(this.ds.manager, ws, id);
    return this.toDto(row, (await this.entryCounts(ws, [id])).get(id));
  }

  async create(ws: string, strategyId: string, body: CreateChapterRequest): Promise<Chapter> {
    const row = await this.ds.transaction(async (m) => {
      await this.strategy(m, ws, strategyId, true);
      const number = await openSlot(m, CHAPTERS, strategyId, body.number);
      const { number: _ignored, ...fields } = body;
      return m.save(
        ChapterEntity,
        m.create(ChapterEntity, {
          ...fields,
          id: randomUUID(),
          workspaceId: ws,
          strategyId,
          number,
        }),
      );
    });
    return this.toDto(row);
  }

  async update(ws: string, id: string, body: UpdateChapterRequest): Promise<Chapter> {
    await this.ds.transaction(async (m) => {
      const row = await this.lockedChapter(m, ws, id);
      const { number, ...fields } = body;
      if (number !== undefined && number !== row.number)
        row.number = await moveSlot(m, CHAPTERS, row.strategyId, row.number, number);
      assignDefined(row, fields);
      await m.save(ChapterEntity, row);
    });
    return this.get(ws, id);
  }

  async remove(ws: string, id: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const row = await this.lockedChapter(m, ws, id);
      const entries = await m.find(StoryEntryEntity, {
        select: { id: true },
        where: { workspaceId: ws, chapterId: id },
      });
      await unlinkStoryEntries(
        m,
        this.embeddings,
        ws,
        entries.map((e) => e.id),
      );
      await m.delete(ChapterEntity, { id, workspaceId: ws });
      await closeSlot(m, CHAPTERS, row.strategyId, row.number);
    });
  }

  async reorder(ws: string, strategyId: string, ids: string[]): Promise<Page<Chapter>> {
    await this.ds.transaction(async (m) => {
      await this.strategy(m, ws, strategyId, true);
      await reorder(m, CHAPTERS, strategyId, ids);
    });
    return this.list(ws, strategyId, { limit: 100, offset: 0 });
  }

  private async strategy(
    m: EntityManager,
    ws: string,
    id: string,
    lock = false,
  ): Promise<StrategyEntity> {
    const s = await m.findOne(StrategyEntity, {
      where: { id, workspaceId: ws },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!s) throw Problems.notFound('strategy');
    return s;
  }

  private async find(m: EntityManager, ws: string, id: string): Promise<ChapterEntity> {
    const c = await m.findOne(ChapterEntity, { where: { id, workspaceId: ws } });
    if (!c) throw Problems.notFound('chapter');
    return c;
  }

  /** The chapter, after locking its strategy (the lock that serialises renumbering). */
  private async lockedChapter(m: EntityManager, ws: string, id: string): Promise<ChapterEntity> {
    const c = await this.find(m, ws, id);
    await this.strategy(m, ws, c.strategyId, true);
    return this.find(m, ws, id);
  }

  private async entryCounts(ws: string, ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ds
      .getRepository(StoryEntryEntity)
      .createQueryBuilder('s')
      .select('s.chapter_id', 'id')
      .addSelect('count(*)::int', 'n')
      .where({ workspaceId: ws, chapterId: In(ids) })
      .groupBy('s.chapter_id')
      .getRawMany<{ id: string; n: number }>();
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }
}
