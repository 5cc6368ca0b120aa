import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

/** Reference material of a workspace (articles, notes), chunked and embedded for search. */
@Entity({ name: 'sources' })
@Index('sources_workspace_idx', ['workspaceId', 'createdAt'])
export class SourceEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 200 }) title!: string;
  @Column('varchar', { length: 2048, nullable: true }) url!: string | null;
  @Column('text') text!: string;
}
