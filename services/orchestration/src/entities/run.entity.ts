import type { AgentBackend, RunInput, RunStatus } from '@postmagiq/contracts';
import {
  createRunContext,
  type RunContext,
  type StateResult,
  type WorkflowDefinition,
} from '@postmagiq/workflow-engine';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Why a halted run stopped; a soft breaker halt can be lifted once with `extend`. */
export type HaltKind = 'soft_breaker' | 'hard_breaker' | 'terminal';

/**
 * A workflow run: its definition and input frozen at start, and where it stands. Every change to
 * a run happens in a transaction holding this row's lock (`SELECT … FOR UPDATE`), so replicas
 * take turns on a run and never interleave two steps.
 */
@Entity({ name: 'runs' })
@Index('runs_workspace_created_idx', ['workspaceId', 'createdAt'])
@Index('runs_status_updated_idx', ['status', 'updatedAt'])
@Index('runs_workspace_idempotency_key', ['workspaceId', 'idempotencyKey'], {
  unique: true,
  where: '"idempotency_key" IS NOT NULL',
})
export class RunEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'story_entry_id' })
  storyEntryId!: string;

  @Column('varchar', { length: 100 })
  workflow!: string;

  /** The client's `Idempotency-Key` of the start request: one run per key and workspace. */
  @Column('varchar', { name: 'idempotency_key', length: 255, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the start request the key came with (a reuse with another request is refused). */
  @Column('char', { name: 'request_hash', length: 64, nullable: true })
  requestHash!: string | null;

  /** The validated definition as it was when the run started (editing the workflow later changes nothing here). */
  @Column('jsonb')
  definition!: WorkflowDefinition;

  @Column('jsonb')
  input!: RunInput;

  @Column('jsonb', { name: 'persona_overrides', default: () => "'{}'" })
  personaOverrides!: Record<string, string>;

  @Column('jsonb', { name: 'backend_overrides', default: () => "'{}'" })
  backendOverrides!: Record<string, AgentBackend>;

  @Column('varchar', { length: 32 })
  status!: RunStatus;

  @Column('varchar', { name: 'current_state', length: 100 })
  currentState!: string;

  /** Seq of the transition that entered the current state (0: the initial state). */
  @Column('integer')
  seq!: number;

  /** Highest seq whose agent jobs are known to be on their queues; the sweep re-dispatches below `seq`. */
  @Column('integer', { name: 'dispatched_seq', default: -1 })
  dispatchedSeq!: number;

  /** Seq of the latest durable event. */
  @Column('integer', { name: 'event_seq', default: 0 })
  eventSeq!: number;

  @Column('jsonb')
  context!: RunContext;

  /** The current visit's result once known (kept so `extend` can retry the transition a breaker refused). */
  @Column('jsonb', { name: 'pending_result', nullable: true })
  pendingResult!: StateResult | null;

  /**
   * Billing reported the run's hold exhausted: at its next state boundary the run pauses as
   * `awaiting_credit` (its result kept in `pendingResult`) instead of dispatching more calls.
   */
  @Column('boolean', { name: 'credit_exhausted', default: false })
  creditExhausted!: boolean;

  @Column('varchar', { name: 'halt_kind', length: 32, nullable: true })
  haltKind!: HaltKind | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { name: 'final_post', nullable: true })
  finalPost!: string | null;

  @Column('integer', { name: 'tokens_in', default: 0 })
  tokensIn!: number;

  @Column('integer', { name: 'tokens_out', default: 0 })
  tokensOut!: number;

  @Column('integer', { name: 'cached_tokens_in', default: 0 })
  cachedTokensIn!: number;

  @Column('double precision', { name: 'cost_usd', default: 0 })
  costUsd!: number;

  /**
   * The run has used its one soft-limit extension. Redis holds it too (the breaker's `extended`),
   * but those counters expire a week after the run's last breaker operation; this row is what
   * restores them, so an old run cannot be extended a second time.
   */
  @Column('boolean', { name: 'breaker_extended', default: false })
  breakerExtended!: boolean;

  /** How many times the run has finished (a resumed or extended run finishes again). */
  @Column('integer', { name: 'finish_count', default: 0 })
  finishCount!: number;

  @Column('uuid', { name: 'started_by' })
  startedBy!: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  /**
   * Time that is not runtime, in ms: waiting for reviewers (a post approved the next morning must
   * not trip the 60-minute limit) and standing failed or halted until a resume or an extension (a
   * run resumed the next day starts from the runtime it had used, not from the wall clock).
   */
  @Column('double precision', { name: 'paused_ms', default: 0 })
  pausedMs!: number;

  /** Since when the run waits at a human-approval state. */
  @Column('timestamptz', { name: 'awaiting_since', nullable: true })
  awaitingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}

/** What a run starts from; every counter, outcome and timestamp of `newRun` follows from it. */
export type RunStart = Pick<
  RunEntity,
  | 'id'
  | 'workspaceId'
  | 'storyEntryId'
  | 'definition'
  | 'input'
  | 'personaOverrides'
  | 'backendOverrides'
  | 'startedBy'
  | 'idempotencyKey'
  | 'requestHash'
  | 'startedAt'
>;

/** A run about to enter its initial state: running, seq 0, nothing dispatched, spent or decided. */
export function newRun(start: RunStart): RunEntity {
  return Object.assign(new RunEntity(), {
    ...start,
    workflow: start.definition.name,
    status: 'running' as const,
    currentState: start.definition.initialState,
    seq: 0,
    dispatchedSeq: -1,
    eventSeq: 0,
    context: createRunContext(),
    pendingResult: null,
    creditExhausted: false,
    haltKind: null,
    reason: null,
    finalPost: null,
    tokensIn: 0,
    tokensOut: 0,
    cachedTokensIn: 0,
    costUsd: 0,
    breakerExtended: false,
    finishCount: 0,
    pausedMs: 0,
    awaitingSince: null,
    createdAt: start.startedAt,
    updatedAt: start.startedAt,
    finishedAt: null,
  });
}

/**
 * Runtime as the breaker counts it, in ms: wall time since the start, less `pausedMs`. A run
 * waiting for a reviewer or finished stopped its clock then (`awaitingSince`, `finishedAt`).
 */
export function runtimeMs(
  run: Pick<RunEntity, 'startedAt' | 'pausedMs' | 'awaitingSince' | 'finishedAt'>,
  nowMs: number,
): number {
  const end = run.awaitingSince?.getTime() ?? run.finishedAt?.getTime() ?? nowMs;
  return Math.max(0, end - run.pausedMs - run.startedAt.getTime());
}
