import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes TypeORM cannot declare on an entity (both marked `synchronize: false` there):
 * - full-text search of the finished-post library, an expression GIN index whose expression the
 *   queries repeat verbatim (`POST_SEARCH_VECTOR`);
 * - HNSW over the embeddings with the cosine operator class (pgvector ≥ 0.5). m and
 *   ef_construction are pgvector's defaults, which bench:vectors measures.
 */
export class SearchIndexes1795693243277 implements MigrationInterface {
  name = 'SearchIndexes1795693243277';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "posts_search_idx" ON "content"."posts" USING gin (to_tsvector('english'::regconfig, ("title"::text || ' '::text) || "content"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "embeddings_hnsw_cosine_idx" ON "content"."embeddings" USING hnsw ("embedding" vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "content"."embeddings_hnsw_cosine_idx"`);
    await queryRunner.query(`DROP INDEX "content"."posts_search_idx"`);
  }
}
