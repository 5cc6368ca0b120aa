import type { RunEvent } from '@postmagiq/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The durable event log of a run: contiguous seq from 1, written in the step that produced it. */
@Entity({ name: 'run_events' })
export class RunEventEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  @PrimaryColumn('integer')
  seq!: number;

  @Column('varchar', { length: 32 })
  type!: RunEvent['type'];

  @Column('jsonb')
  event!: RunEvent;
}
