import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'outfits' })
@Index('outfits_workspace_idx', ['workspaceId', 'createdAt'])
export class OutfitEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('text', { array: true, default: () => "'{}'" }) parts!: string[];
  @Column('uuid', { name: 'sentiment_id', nullable: true }) sentimentId!: string | null;
}
