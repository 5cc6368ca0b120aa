import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One entry into a state: seq 0 enters the initial state, every later seq is a transition. The
 * primary key `(run_id, seq)` is what makes a repeated step impossible: a second replica (or a
 * redelivered job) trying to write the same seq fails and rolls its whole step back.
 */
@Entity({ name: 'transitions' })
export class TransitionEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  @PrimaryColumn('integer')
  seq!: number;

  @Column('varchar', { name: 'from_state', length: 100, nullable: true })
  fromState!: string | null;

  @Column('varchar', { name: 'to_state', length: 100 })
  toState!: string;

  @Column('varchar', { name: 'state_type', length: 32 })
  stateType!: string;

  @Column('text', { nullable: true })
  condition!: string | null;

  @Column('integer')
  visit!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
