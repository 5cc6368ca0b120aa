import type { AgentBackend, AgentJob } from '@postmagiq/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AgentCallStatus = 'queued' | 'succeeded' | 'failed';

/** One agent call of a run: its job (as enqueued) and, once back, its result and usage. */
@Entity({ name: 'agent_calls' })
@Index('agent_calls_run_seq_idx', ['runId', 'seq'])
export class AgentCallEntity {
  /** `agentCallId(runId, seq, agent)`: the BullMQ job id too. */
  @PrimaryColumn('varchar', { name: 'call_id', length: 200 })
  callId!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('integer')
  seq!: number;

  @Column('varchar', { length: 100 })
  state!: string;

  @Column('integer')
  visit!: number;

  /** Declaration order of the agent in its state (fan-out drafts keep this order). */
  @Column('integer')
  position!: number;

  @Column('varchar', { length: 100 })
  agent!: string;

  @Column('varchar', { length: 100 })
  persona!: string;

  @Column('varchar', { name: 'requested_backend', length: 32 })
  requestedBackend!: AgentBackend;

  /** The queue the job went to: the requested backend, or `simulated` when it has no key. */
  @Column('varchar', { name: 'queue_backend', length: 32 })
  queueBackend!: AgentBackend;

  @Column('jsonb')
  job!: AgentJob;

  /** The state may decide before every call is back (fan-out any_complete / quorum): react to each result. */
  @Column('boolean', { default: false })
  early!: boolean;

  @Column('varchar', { length: 16 })
  status!: AgentCallStatus;

  @Column('varchar', { length: 32, nullable: true })
  backend!: AgentBackend | null;

  @Column('varchar', { length: 200, nullable: true })
  model!: string | null;

  @Column('integer', { name: 'tokens_in', default: 0 })
  tokensIn!: number;

  @Column('integer', { name: 'tokens_out', default: 0 })
  tokensOut!: number;

  @Column('integer', { name: 'cached_tokens_in', default: 0 })
  cachedTokensIn!: number;

  @Column('double precision', { name: 'cost_usd', default: 0 })
  costUsd!: number;

  @Column('double precision', { name: 'duration_ms', nullable: true })
  durationMs!: number | null;

  @Column('boolean', { nullable: true })
  simulated!: boolean | null;

  @Column('text', { nullable: true })
  output!: string | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('varchar', { name: 'prompt_hash', length: 200, nullable: true })
  promptHash!: string | null;

  @Column('timestamptz', { name: 'queued_at' })
  queuedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
