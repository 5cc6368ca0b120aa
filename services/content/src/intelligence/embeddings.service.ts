import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EmbeddingSourceType, SearchHit, SearchResult } from '@postmagiq/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CONTENT_DB, EMBEDDING_DIM, EmbeddingEntity } from '../entities';
import { chunkText } from './chunking';
import {
  EMBEDDING_PROVIDER,
  EmbeddingProvider,
  fitDimension,
  modelKey,
} from './embedding-provider';
import { toSql } from 'pgvector';

/** Candidates the HNSW scan keeps (pgvector's `hnsw.ef_search`); bench:vectors measures this value. */
export const HNSW_EF_SEARCH = 100;

export interface IndexItem {
  workspaceId: string;
  sourceType: EmbeddingSourceType;
  sourceId: string;
  title: string;
  text: string;
}

export interface NearestChunk {
  sourceType: EmbeddingSourceType;
  sourceId: string;
  chunkIndex: number;
  chunkText: string;
  similarity: number;
  title: string;
}

/**
 * The workspace's semantic index: items are chunked, embedded by the configured provider and
 * stored in `content.embeddings` (vector(1536), HNSW cosine). Every query is filtered by workspace
 * and by model. With pgvector ≥ 0.8 the HNSW scan is iterative, so the workspace filter never
 * starves the result when other workspaces crowd the neighbourhood.
 */
@Injectable()
export class EmbeddingsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Embeddings');
  private iterativeScan = false;

  constructor(
    @InjectDataSource(CONTENT_DB) private readonly ds: DataSource,
    @Inject(EMBEDDING_PROVIDER) readonly provider: EmbeddingProvider,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.ds.query<{ extversion: string }[]>(
      `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
    );
    const [major = 0, minor = 0] = (rows[0]?.extversion ?? '0.0').split('.').map(Number);
    this.iterativeScan = major > 0 || minor >= 8;
    this.logger.log(
      `embeddings by ${modelKey(this.provider)}; pgvector ${rows[0]?.extversion ?? '?'}${this.iterativeScan ? ' (iterative HNSW scans)' : ''}`,
    );
  }

  get model(): string {
    return modelKey(this.provider);
  }

  /** Embeds texts and brings them to the stored dimension. */
  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += 64) {
      const batch = texts.slice(i, i + 64);
      const vectors = await this.provider.embed(batch);
      if (vectors.length !== batch.length)
        throw new Error(
          `the embedding provider answered ${vectors.length} vectors for ${batch.length} texts`,
        );
      out.push(...vectors.map((v) => fitDimension(v, EMBEDDING_DIM)));
    }
    return out;
  }

  /**
   * (Re)indexes an item: embeds its chunks first (no transaction held during the provider call),
   * then replaces its rows in one short transaction. Returns the number of chunks.
   */
  async index(item: IndexItem): Promise<number> {
    const chunks = chunkText(item.text);
    const vectors = await this.embed(chunks);
    await this.ds.transaction(async (m) => {
      await this.removeWith(m, item.workspaceId, item.sourceType, item.sourceId);
      if (chunks.length === 0) return;
      await m.insert(
        EmbeddingEntity,
        chunks.map((chunk, i) => ({
          id: randomUUID(),
          workspaceId: item.workspaceId,
          sourceType: item.sourceType,
          sourceId: item.sourceId,
          chunkIndex: i,
          chunkText: chunk,
          embedding: vectors[i] as number[],
          model: this.model,
          metadata: { title: item.title },
        })),
      );
    });
    return chunks.length;
  }

  /**
   * Indexes after a write has committed. A provider failure is logged and leaves the item out of
   * search until it is written again or reindexed; the write itself stands.
   */
  async indexQuietly(item: IndexItem): Promise<void> {
    try {
      await this.index(item);
    } catch (e) {
      this.logger.warn(
        `could not index ${item.sourceType} ${item.sourceId}: ${(e as Error).message}`,
      );
    }
  }

  /** Removes an item's chunks inside the caller's transaction. */
  async removeWith(
    m: EntityManager,
    workspaceId: string,
    sourceType: EmbeddingSourceType,
    sourceIds: string | string[],
  ): Promise<void> {
    const ids = Array.isArray(sourceIds) ? sourceIds : [sourceIds];
    if (ids.length === 0) return;
    await m
      .createQueryBuilder()
      .delete()
      .from(EmbeddingEntity)
      .where(
        'workspace_id = :workspaceId AND source_type = :sourceType AND source_id IN (:...ids)',
        { workspaceId, sourceType, ids },
      )
      .execute();
  }

  async search(
    workspaceId: string,
    query: string,
    types: EmbeddingSourceType[] | undefined,
    limit: number,
  ): Promise<SearchResult> {
    const [vector] = await this.embed([query]);
    const hits = await this.nearest(workspaceId, toSql(vector as number[]), {
      types,
      limit,
    });
    return {
      query,
      provider: this.provider.name,
      model: this.provider.model,
      hits: hits satisfies SearchHit[],
    };
  }

  /** Posts whose chunks lie nearest to the mean of a post's own chunks (the post itself excluded). */
  async similarPosts(workspaceId: string, postId: string, limit: number): Promise<NearestChunk[]> {
    const rows = await this.ds.query<{ v: string | null }[]>(
      `SELECT avg(embedding)::text AS v FROM content.embeddings WHERE workspace_id = $1 AND source_type = 'post' AND source_id = $2 AND model = $3`,
      [workspaceId, postId, this.model],
    );
    const v = rows[0]?.v;
    if (!v) return [];
    return this.nearest(workspaceId, v, { types: ['post'], limit, excludeId: postId });
  }

  /** Nearest chunks of the workspace, best chunk per item, `limit` items, nearest first. */
  private async nearest(
    workspaceId: string,
    vector: string,
    o: { types?: EmbeddingSourceType[] | undefined; limit: number; excludeId?: string },
  ): Promise<NearestChunk[]> {
    const params: unknown[] = [workspaceId, vector, this.model, o.limit * 4];
    const filters = [`workspace_id = $1`, `model = $3`];
    if (o.types?.length) {
      params.push(o.types);
      filters.push(`source_type = ANY($${params.length}::text[])`);
    }
    if (o.excludeId) {
      params.push(o.excludeId);
      filters.push(`source_id <> $${params.length}::uuid`);
    }
    const sql = `SELECT source_type, source_id, chunk_index, chunk_text, metadata->>'title' AS title,
                        1 - (embedding <=> $2::vector) AS similarity
                 FROM content.embeddings WHERE ${filters.join(' AND ')}
                 ORDER BY embedding <=> $2::vector LIMIT $4`;
    type Row = {
      source_type: EmbeddingSourceType;
      source_id: string;
      chunk_index: number;
      chunk_text: string;
      title: string | null;
      similarity: number;
    };
    // SET LOCAL lasts for this transaction only: the embedded server shares one session between connections
    const rows = await this.ds.transaction(async (m) => {
      await m.query(`SET LOCAL hnsw.ef_search = ${HNSW_EF_SEARCH}`);
      if (this.iterativeScan) await m.query(`SET LOCAL hnsw.iterative_scan = strict_order`);
      return m.query<Row[]>(sql, params);
    });
    const best = new Map<string, NearestChunk>();
    for (const r of rows) {
      const key = `${r.source_type}:${r.source_id}`;
      const similarity = Number(r.similarity);
      const seen = best.get(key);
      if (!seen || similarity > seen.similarity) {
        best.set(key, {
          sourceType: r.source_type,
          sourceId: r.source_id,
          chunkIndex: r.chunk_index,
          chunkText: r.chunk_text,
          similarity,
          title: r.title ?? '',
        });
      }
    }
    return [...best.values()]
      .sort((a, b) => b.similarity - a.similarity || a.sourceId.localeCompare(b.sourceId))
      .slice(0, o.limit);
  }
}
