import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Timestamped } from './columns';
import { StrategyEntity } from './strategy.entity';

/** `number` runs 1..n per strategy; the constraint is deferred so renumbering can pass through duplicates. */
@Entity({ name: 'chapters' })
@Unique('chapters_strategy_number_key', ['strategyId', 'number'], {
  deferrable: 'INITIALLY DEFERRED',
})
@Index('chapters_workspace_idx', ['workspaceId'])
export class ChapterEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'strategy_id' })
  strategyId!: string;

  @ManyToOne(() => StrategyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'strategy_id', foreignKeyConstraintName: 'chapters_strategy_fk' })
  strategy?: StrategyEntity;

  @Column('int')
  number!: number;

  @Column('varchar', { length: 200, default: '' })
  title!: string;

  @Column('text')
  theme!: string;

  @Column('text', { default: '' })
  enemy!: string;

  @Column('int', { default: 4 })
  weeks!: number;
}
