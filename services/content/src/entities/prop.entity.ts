import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'props' })
@Index('props_workspace_category_idx', ['workspaceId', 'category'])
export class PropEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('varchar', { length: 60 }) category!: string;
  @Column('text', { default: '' }) description!: string;
}
