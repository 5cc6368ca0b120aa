import type { GoalStatus } from '@postmagiq/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { numberTransformer, Timestamped } from './columns';
import { StrategyEntity } from './strategy.entity';

@Entity({ name: 'goals' })
@Index('goals_workspace_idx', ['workspaceId', 'createdAt'])
export class GoalEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'strategy_id', nullable: true })
  strategyId!: string | null;

  @ManyToOne(() => StrategyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'strategy_id', foreignKeyConstraintName: 'goals_strategy_fk' })
  strategy?: StrategyEntity;

  @Column('varchar', { length: 200 })
  title!: string;

  @Column('varchar', { length: 100, default: '' })
  metric!: string;

  @Column('double precision', {
    name: 'target_value',
    nullable: true,
    transformer: numberTransformer,
  })
  targetValue!: number | null;

  @Column('double precision', { name: 'current_value', default: 0, transformer: numberTransformer })
  currentValue!: number;

  @Column('date', { name: 'due_on', nullable: true })
  dueOn!: string | null;

  @Column('varchar', { length: 16, default: 'active' })
  status!: GoalStatus;
}
