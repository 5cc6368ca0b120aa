import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A reviewer's decision on one visit of a human-approval state (one per visit, ever). */
@Entity({ name: 'approvals' })
export class ApprovalEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  /** Seq of the transition that entered the approval state. */
  @PrimaryColumn('integer')
  seq!: number;

  @Column('varchar', { length: 100 })
  state!: string;

  @Column('varchar', { length: 16 })
  decision!: 'approve' | 'reject' | 'edit';

  /** Feedback of a rejection, or the reviewer's text of an edit. */
  @Column('text', { nullable: true })
  text!: string | null;

  @Column('uuid', { name: 'decided_by' })
  decidedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
