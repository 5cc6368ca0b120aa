import type { EmbeddingSourceType } from '@postmagiq/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  type ValueTransformer,
} from 'typeorm';
import { fromSql, toSql } from 'pgvector';

/** Dimension of stored embeddings; providers with fewer dimensions are zero-padded (cosine is unchanged). */
export const EMBEDDING_DIM = 1536;

/** pgvector's text format both ways; TypeORM may already have parsed what it reads. */
const PGVECTOR: ValueTransformer = {
  to: (value: number[] | undefined) => (value === undefined ? value : toSql(value)),
  from: (value: unknown) => (typeof value === 'string' ? fromSql(value) : value),
};

/**
 * One chunk of a post, story entry or source with its embedding. The HNSW cosine index is created
 * by migration (`synchronize: false`: TypeORM cannot declare an index method and operator class).
 */
@Entity({ name: 'embeddings' })
@Index('embeddings_source_idx', ['workspaceId', 'sourceType', 'sourceId', 'chunkIndex'], {
  unique: true,
})
@Index('embeddings_hnsw_cosine_idx', { synchronize: false })
export class EmbeddingEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { name: 'source_type', length: 16 })
  sourceType!: EmbeddingSourceType;

  @Column('uuid', { name: 'source_id' })
  sourceId!: string;

  @Column('int', { name: 'chunk_index' })
  chunkIndex!: number;

  @Column('text', { name: 'chunk_text' })
  chunkText!: string;

  /** Written and read through pgvector's own serialization (`toSql`/`fromSql`). */
  @Column('vector', { length: EMBEDDING_DIM, transformer: PGVECTOR })
  embedding!: number[];

  /** `provider/model` that produced the vector; vectors of different models are not comparable. */
  @Column('varchar', { length: 120 })
  model!: string;

  @Column('jsonb', { default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
