import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  ContentPageQuery,
  CreateSourceRequest,
  Page,
  Source,
  UpdateSourceRequest,
} from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, EmbeddingEntity, SourceEntity } from '../entities';
import { EmbeddingsService } from './embeddings.service';
import { indexItemOf } from './index-items';

type SourceWithChunks = SourceEntity & { chunkCount?: number };

/** Reference material: stored, then chunked and embedded for semantic search. */
@Injectable()
export class SourcesService extends WorkspaceCrudService<
  SourceEntity,
  CreateSourceRequest,
  UpdateSourceRequest,
  Source
> {
  protected readonly entity = SourceEntity;
  protected readonly what = 'source';

  constructor(
    @InjectDataSource(CONTENT_DB) ds: DataSource,
    private readonly embeddings: EmbeddingsService,
  ) {
    super(ds);
  }

  protected toDto(e: SourceWithChunks): Source {
    return {
      id: e.id,
      title: e.title,
      url: e.url,
      text: e.text,
      chunkCount: e.chunkCount ?? 0,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected fromCreate(body: CreateSourceRequest): Partial<SourceEntity> {
    return body;
  }

  protected applyUpdate(e: SourceEntity, body: UpdateSourceRequest): void {
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: SourceEntity, m: EntityManager): Promise<void> {
    await this.embeddings.removeWith(m, e.workspaceId, 'source', e.id);
  }

  override async list(ws: string, page: ContentPageQuery): Promise<Page<Source>> {
    const result = await super.list(ws, page);
    const counts = await this.chunkCounts(
      ws,
      result.items.map((s) => s.id),
    );
    return {
      ...result,
      items: result.items.map((s) => ({ ...s, chunkCount: counts.get(s.id) ?? 0 })),
    };
  }

  override async get(ws: string, id: string): Promise<Source> {
    const source = await super.get(ws, id);
    return { ...source, chunkCount: (await this.chunkCounts(ws, [id])).get(id) ?? 0 };
  }

  override async create(ws: string, body: CreateSourceRequest): Promise<Source> {
    const source = await super.create(ws, body);
    await this.reindex(ws, source);
    return this.get(ws, source.id);
  }

  override async update(ws: string, id: string, body: UpdateSourceRequest): Promise<Source> {
    const source = await super.update(ws, id, body);
    if (body.text !== undefined || body.title !== undefined) await this.reindex(ws, source);
    return this.get(ws, id);
  }

  private reindex(ws: string, s: Source): Promise<void> {
    return this.embeddings.indexQuietly(
      indexItemOf.source({ workspaceId: ws, id: s.id, title: s.title, text: s.text }),
    );
  }

  private async chunkCounts(ws: string, ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ds
      .getRepository(EmbeddingEntity)
      .createQueryBuilder('e')
      .select('e.source_id', 'id')
      .addSelect('count(*)::int', 'n')
      .where(`e.workspace_id = :ws AND e.source_type = 'source' AND e.source_id IN (:...ids)`, {
        ws,
        ids,
      })
      .groupBy('e.source_id')
      .getRawMany<{ id: string; n: number }>();
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }
}
