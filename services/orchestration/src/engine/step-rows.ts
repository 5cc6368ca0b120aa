import type { AgentBackend, AgentJob, AgentJobResult, RunEvent } from '@postmagiq/contracts';
import type { ApprovalResponse } from '@postmagiq/workflow-engine';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  AgentCallEntity,
  ApprovalEntity,
  OutboxEntity,
  RunEntity,
  RunEventEntity,
  TransitionEntity,
} from '../entities';
import { StepWrites } from './step-writes';

/** Run columns set when the run starts and never changed by a step. */
const RUN_WRITTEN_ONCE = [
  'id',
  'workspaceId',
  'storyEntryId',
  'workflow',
  'idempotencyKey',
  'requestHash',
  'definition',
  'input',
  'personaOverrides',
  'backendOverrides',
  'startedBy',
  'startedAt',
] as const satisfies readonly (keyof RunEntity)[];

/** Agent call columns set when the call is queued; recording its result changes the others. */
const CALL_WRITTEN_ONCE = [
  'callId',
  'runId',
  'workspaceId',
  'seq',
  'state',
  'visit',
  'position',
  'agent',
  'persona',
  'requestedBackend',
  'queueBackend',
  'job',
  'early',
  'queuedAt',
] as const satisfies readonly (keyof AgentCallEntity)[];

/** A queued agent call of a visit, as the step decided it. */
export interface QueuedCall {
  callId: string;
  state: string;
  visit: number;
  position: number;
  agent: string;
  persona: string;
  requestedBackend: AgentBackend;
  queueBackend: AgentBackend;
  job: AgentJob;
  early: boolean;
}

/**
 * The rows one step of a run writes, built from what RunStep decided (it decides, this builds),
 * and written in one statement (StepWrites) before the commit: the run, the calls it recorded,
 * new transitions, approvals and calls, the events, the outbox.
 */
export class StepRows {
  readonly transitions: TransitionEntity[] = [];
  readonly calls: AgentCallEntity[] = [];
  /** Calls of earlier steps whose results this one recorded. */
  readonly recorded: AgentCallEntity[] = [];
  readonly approvals: ApprovalEntity[] = [];
  readonly outbox: OutboxEntity[] = [];

  constructor(private readonly now: () => number) {}

  transition(
    run: RunEntity,
    entered: { seq: number; from: string | null; to: string; stateType: string },
    condition: string | null,
    visit: number,
  ): void {
    this.transitions.push(
      Object.assign(new TransitionEntity(), {
        runId: run.id,
        seq: entered.seq,
        fromState: entered.from,
        toState: entered.to,
        stateType: entered.stateType,
        condition,
        visit,
      }),
    );
  }

  approval(run: RunEntity, response: ApprovalResponse, userId: string): void {
    this.approvals.push(
      Object.assign(new ApprovalEntity(), {
        runId: run.id,
        seq: run.seq,
        state: run.currentState,
        decision: response.decision,
        text:
          response.decision === 'reject'
            ? response.feedback
            : response.decision === 'edit'
              ? response.text
              : null,
        decidedBy: userId,
      }),
    );
  }

  queue(run: RunEntity, call: QueuedCall): void {
    this.calls.push(
      Object.assign(new AgentCallEntity(), {
        ...call,
        runId: run.id,
        workspaceId: run.workspaceId,
        seq: run.seq,
        status: 'queued',
        backend: null,
        model: null,
        tokensIn: 0,
        tokensOut: 0,
        cachedTokensIn: 0,
        costUsd: 0,
        durationMs: null,
        simulated: null,
        output: null,
        error: null,
        promptHash: null,
        queuedAt: new Date(this.now()),
        finishedAt: null,
      }),
    );
  }

  /** A queued call's result (checked against the contract), on its row. */
  record(
    call: AgentCallEntity,
    result: AgentJobResult | Omit<AgentJobResult, 'promptHash' | 'callId'>,
  ): void {
    call.status = result.error === null ? 'succeeded' : 'failed';
    call.backend = result.backend;
    call.model = result.model;
    call.tokensIn = result.tokensIn;
    call.tokensOut = result.tokensOut;
    call.cachedTokensIn = result.cachedTokensIn;
    call.costUsd = result.costUsd;
    call.durationMs = result.durationMs;
    call.simulated = result.simulated;
    call.output = result.content;
    call.error = result.error;
    call.promptHash = 'promptHash' in result ? result.promptHash : null;
    call.finishedAt = new Date(this.now());
    this.recorded.push(call);
  }

  /** A lifecycle event for JetStream, carrying the request context as headers. */
  lifecycleEvent(
    run: RunEntity,
    subject: string,
    msgId: string,
    payload: object,
    requestId: string | undefined,
  ): void {
    this.outbox.push(
      Object.assign(new OutboxEntity(), {
        id: randomUUID(),
        subject,
        msgId,
        payload: payload as Record<string, unknown>,
        headers: {
          'x-request-id': requestId ?? randomUUID(),
          'x-workspace-id': run.workspaceId,
          'x-run-id': run.id,
        },
        publishedAt: null,
      }),
    );
  }

  /**
   * Everything in one statement; the caller commits. The run is inserted when it is new (a start
   * needs no transaction), else every column a step may change is written back.
   */
  async write(
    m: EntityManager,
    run: RunEntity,
    isNew: boolean,
    events: readonly RunEvent[],
  ): Promise<void> {
    const writes = new StepWrites(m);
    if (isNew) writes.insert(RunEntity, [run]);
    else writes.updateRow(RunEntity, run, { id: run.id }, RUN_WRITTEN_ONCE);
    for (const call of this.recorded)
      writes.updateRow(
        AgentCallEntity,
        call,
        { callId: call.callId, status: 'queued' },
        CALL_WRITTEN_ONCE,
      );
    await writes
      .insert(TransitionEntity, this.transitions)
      .insert(ApprovalEntity, this.approvals)
      .insert(AgentCallEntity, this.calls)
      .insert(
        RunEventEntity,
        events.map((event) =>
          Object.assign(new RunEventEntity(), {
            runId: run.id,
            seq: event.seq,
            type: event.type,
            event,
          }),
        ),
      )
      .insert(OutboxEntity, this.outbox)
      .execute();
  }
}
