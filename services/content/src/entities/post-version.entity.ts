import type { PostVersionSource } from '@postmagiq/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import { PostEntity } from './post.entity';

/**
 * Every edit and every workflow output, numbered 1..n per post. A run stores at most one version:
 * `run_id` is unique, which is what makes the finished-run consumer idempotent.
 */
@Entity({ name: 'post_versions' })
@Unique('post_versions_post_number_key', ['postId', 'number'])
@Index('post_versions_run_id_key', ['runId'], { unique: true, where: '"run_id" IS NOT NULL' })
@Index('post_versions_workspace_idx', ['workspaceId'])
export class PostVersionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'post_id' })
  postId!: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'post_versions_post_fk' })
  post?: PostEntity;

  @Column('int')
  number!: number;

  @Column('text')
  content!: string;

  @Column('varchar', { length: 16 })
  source!: PostVersionSource;

  @Column('varchar', { name: 'created_by', length: 64, nullable: true })
  createdBy!: string | null;

  @Column('uuid', { name: 'run_id', nullable: true })
  runId!: string | null;

  @Column('varchar', { length: 120, nullable: true })
  workflow!: string | null;

  @Column('varchar', { length: 500, default: '' })
  note!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
