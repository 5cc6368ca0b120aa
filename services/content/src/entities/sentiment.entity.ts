import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'sentiments' })
@Index('sentiments_workspace_idx', ['workspaceId', 'createdAt'])
export class SentimentEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('uuid', { name: 'strategy_id', nullable: true }) strategyId!: string | null;
  @Column('text', { name: 'color_scheme', array: true, default: () => "'{}'" })
  colorScheme!: string[];
  @Column('varchar', { length: 200, default: '' }) mood!: string;
}
