import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { resolveBackends } from '@postmagiq/agents';
import { AgentBackend, RunStartedEvent, StartRunRequest } from '@postmagiq/contracts';
import {
  isUniqueViolation,
  PLATFORM_ENV,
  Principal,
  Problems,
  RequestContext,
} from '@postmagiq/platform';
import { lintPost } from '@postmagiq/prompts';
import { ApprovalResponse, QualityGate, WorkflowDefinition } from '@postmagiq/workflow-engine';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { RedisBreakerCounterStore } from '../breaker/redis-breaker-counter-store';
import { RunContextClient } from '../content/run-context.client';
import { WorkflowCatalogService } from '../definitions/workflow-catalog.service';
import { AgentCallEntity, newRun, ORCHESTRATION_DB, RunEntity } from '../entities';
import { RunEventsBus } from '../events/run-events-bus.service';
import { RunLifecycleOutbox } from '../events/run-lifecycle-outbox.service';
import { BillingClient } from '../billing/billing.client';
import { AgentDispatcher } from './agent-dispatcher.service';
import { CallOutcome, RunConflictError, RunStep, StepDeps } from './run-step';
import { STEP_COMMIT_OBSERVER, StepCommitObserver } from './step-commit-observer';

/** The quality gates a state may name in `quality_gate:`. */
export const QUALITY_GATES: Readonly<Record<string, QualityGate>> = {
  post_lint: (text, input) => lintPost(text, { voice: input.voice }),
};

/**
 * Drives runs durably. Every operation is one transaction on the run's locked row (RunStep), then,
 * after the commit: live events to NATS, the next agent jobs to BullMQ, lifecycle events from the
 * outbox. What a crash between the commit and those effects leaves undone, the recovery sweep
 * finishes (jobs: `dispatched_seq < seq`; live events: readers fill gaps from the log; outbox:
 * relayed until published).
 */
@Injectable()
export class RunEngine {
  private readonly logger = new Logger('RunEngine');
  private readonly configuredBackends: ReadonlySet<AgentBackend>;

  constructor(
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
    private readonly breaker: RedisBreakerCounterStore,
    private readonly dispatcher: AgentDispatcher,
    private readonly bus: RunEventsBus,
    private readonly outbox: RunLifecycleOutbox,
    private readonly catalog: WorkflowCatalogService,
    private readonly content: RunContextClient,
    private readonly billing: BillingClient,
    @Inject(PLATFORM_ENV) env: NodeJS.ProcessEnv,
    @Optional()
    @Inject(STEP_COMMIT_OBSERVER)
    private readonly commitObserver?: StepCommitObserver,
  ) {
    this.configuredBackends = new Set(resolveBackends(env));
  }

  /**
   * Starts a run of `workflow` for a story entry of the caller's workspace. With an idempotency
   * key, a repeated request (a client retrying after a timeout) gets the run the first one started
   * (`replayed`), never a second run; the key reused for another request is refused (422).
   */
  async start(
    p: Principal,
    body: StartRunRequest,
    idempotencyKey?: string,
  ): Promise<{ run: RunEntity; replayed: boolean }> {
    const requestHash = idempotencyKey ? startRequestHash(body) : null;
    if (idempotencyKey) {
      const earlier = await this.byIdempotencyKey(p.workspaceId, idempotencyKey, requestHash);
      if (earlier) return { run: earlier, replayed: true };
    }
    const resolved = await this.catalog.resolve(p.workspaceId, body.workflow);
    if (!resolved)
      throw Problems.validation([
        { field: 'workflow', message: `unknown workflow '${body.workflow}'` },
      ]);
    const backends = body.backends ?? {};
    checkBackendKeys(resolved.definition, backends);
    const context = await this.content.get({
      workspaceId: p.workspaceId,
      storyEntryId: body.storyEntryId,
      ...(body.voiceProfileId ? { voiceProfileId: body.voiceProfileId } : {}),
    });
    const now = new Date();
    const run = newRun({
      id: randomUUID(),
      workspaceId: p.workspaceId,
      storyEntryId: body.storyEntryId,
      definition: resolved.definition,
      input: { story: context.story, voice: context.voice },
      personaOverrides: context.personaOverrides,
      backendOverrides: backends,
      startedBy: p.userId,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      startedAt: now,
    });
    RequestContext.set({ runId: run.id });
    // credit is reserved before anything is written: refused, the caller gets the 402 and no run
    if (this.billing.enabled)
      await this.billing.place(
        run.workspaceId,
        run.id,
        this.billing.estimateMicros(resolved.definition.limits.costUsd),
      );
    const started: RunStartedEvent = {
      runId: run.id,
      workspaceId: run.workspaceId,
      storyEntryId: run.storyEntryId,
      workflow: run.workflow,
      startedBy: p.userId,
      at: now.toISOString(),
    };
    // one statement inserts the run with its first steps: atomic without a transaction
    const step = new RunStep(this.ds.manager, run, this.deps(), true);
    await step.begin(started);
    try {
      await step.flush();
    } catch (error) {
      // the same key raced in from another request: that one's run is the answer
      if (idempotencyKey && isUniqueViolation(error, IDEMPOTENCY_INDEX)) {
        const winner = await this.byIdempotencyKey(p.workspaceId, idempotencyKey, requestHash);
        if (winner) return { run: winner, replayed: true };
      }
      throw error;
    }
    await this.afterCommit(step);
    return { run: step.run, replayed: false };
  }

  private async byIdempotencyKey(
    workspaceId: string,
    idempotencyKey: string,
    requestHash: string | null,
  ): Promise<RunEntity | null> {
    const run = await this.ds
      .getRepository(RunEntity)
      .findOne({ where: { workspaceId, idempotencyKey }, select: { id: true, requestHash: true } });
    if (!run) return null;
    if (run.requestHash !== requestHash) {
      throw Problems.unprocessable(
        'Idempotency-Key: this key was used for a different start request; use a new key for a new run',
      );
    }
    return run;
  }

  /** The parent job of a visit: every call of (run, seq) is back (or failed for good). */
  onStepSettled(
    runId: string,
    seq: number,
    values: Record<string, unknown>,
    failures: Record<string, string>,
  ): Promise<void> {
    // a run that ended took its unstarted calls off their queues (afterCommit)
    return this.recordReturned(runId, seq, values, failures, (run) =>
      run.status === 'running' || run.status === 'awaiting_approval'
        ? 'the job finished without a result'
        : `withdrawn: the run was ${run.status} before a worker took the call`,
    );
  }

  /** One call is back before its siblings (any_complete / quorum fan-outs decide on it). */
  async onCallFinished(callId: string, outcome: CallOutcome): Promise<void> {
    if (!(await this.dispatcher.isEarly(callId))) return;
    const row = await this.ds.getRepository(AgentCallEntity).findOne({
      where: { callId },
      select: { runId: true, seq: true, status: true, early: true },
    });
    if (!row || !row.early || row.status !== 'queued') return;
    await this.step(row.runId, null, async (step, m) => {
      step.noteDispatched(row.seq);
      const calls = await this.callsOf(m, row.runId, row.seq);
      const call = calls.find((c) => c.callId === callId);
      if (call) await step.recordCall(call, outcome);
      await step.settle(row.seq, calls);
    });
  }

  /**
   * Calls of an `any_complete`/quorum visit that finished before their siblings, as the visit's step
   * job holds them (the sweep reads them there: the completion events that normally bring them are
   * not durable). Unlike `onStepSettled`, a call not among them is still running, not failed.
   */
  onCallsFinished(
    runId: string,
    seq: number,
    values: Record<string, unknown>,
    failures: Record<string, string>,
  ): Promise<void> {
    return this.recordReturned(runId, seq, values, failures);
  }

  /**
   * Records the calls of (run, seq) found in `values` / `failures` and settles the visit. A queued
   * call found in neither is failed with `missing(run)`'s reason, or left running without it.
   */
  private async recordReturned(
    runId: string,
    seq: number,
    values: Record<string, unknown>,
    failures: Record<string, string>,
    missing?: (run: RunEntity) => string,
  ): Promise<void> {
    await this.step(runId, null, async (step, m) => {
      step.noteDispatched(seq);
      const calls = await this.callsOf(m, runId, seq);
      for (const call of calls) {
        if (call.status !== 'queued') continue;
        const failure = failures[call.callId] ?? missing?.(step.run);
        if (call.callId in values) await step.recordCall(call, { result: values[call.callId] });
        else if (failure !== undefined) await step.recordCall(call, { failure });
      }
      await step.settle(seq, calls);
    });
  }

  /** Settles a visit whose calls are all recorded but which nobody decided (a step job lost in a crash). */
  async resettle(runId: string, seq: number): Promise<void> {
    await this.step(runId, null, async (step, m) => {
      step.noteDispatched(seq);
      await step.settle(seq, await this.callsOf(m, runId, seq));
    });
  }

  async decide(p: Principal, runId: string, response: ApprovalResponse): Promise<RunEntity> {
    return this.act(p, runId, (step) => step.decide(response, p.userId));
  }

  /** Ends the run; its calls no worker has started are withdrawn after the commit. */
  cancel(p: Principal, runId: string, reason?: string): Promise<RunEntity> {
    return this.act(p, runId, (step) =>
      step.cancel(reason ? `cancelled: ${reason}` : 'cancelled by a user'),
    );
  }

  /**
   * The sweep's runtime check of a running run (RunStep.haltIfOverdue). A run it halts stops
   * spending like any run that ends (afterCommit); only the replica whose step halted it does so
   * (the others find it halted under the row lock).
   */
  async haltIfOverdue(runId: string): Promise<boolean> {
    let halted = false;
    await this.step(runId, null, async (step) => {
      halted = await step.haltIfOverdue();
    });
    return halted;
  }

  /**
   * A run that ended (cancelled, halted, failed) stops spending: the calls of its last visit that
   * no worker has started come off their queues. A call a worker holds runs on and is recorded.
   */
  private async withdrawUnstarted(run: RunEntity, seq: number): Promise<void> {
    const unstarted = (await this.callsOf(this.ds.manager, run.id, seq)).filter(
      (c) => c.status === 'queued',
    );
    if (unstarted.length === 0) return;
    const withdrawn = await this.dispatcher.withdraw(unstarted).catch((e: Error) => {
      this.logger.warn(
        `run ${run.id}: withdrawing its queued calls failed, they run: ${e.message}`,
      );
      return [];
    });
    if (withdrawn.length > 0)
      this.logger.log(
        `run ${run.id}: ${withdrawn.length} queued call(s) withdrawn, the run ${run.status}`,
      );
  }

  /** Billing reported the run's credit exhausted: it pauses as `awaiting_credit` at its next state boundary. */
  async creditExhausted(runId: string): Promise<void> {
    await this.step(runId, null, async (step) => step.markCreditExhausted());
  }

  /** Credit is back for the run: a paused run continues from where it paused. */
  async continueWithCredit(runId: string): Promise<boolean> {
    let continued = false;
    await this.step(runId, null, async (step) => {
      continued = await step.continueWithCredit();
    });
    return continued;
  }

  async resume(p: Principal, runId: string): Promise<RunEntity> {
    return this.act(p, runId, (step) => step.resume());
  }

  async extend(p: Principal, runId: string): Promise<RunEntity> {
    return this.act(p, runId, (step) => step.extend());
  }

  private async act(
    p: Principal,
    runId: string,
    fn: (step: RunStep, m: EntityManager) => Promise<void>,
  ): Promise<RunEntity> {
    RequestContext.set({ runId });
    try {
      const step = await this.step(runId, p.workspaceId, fn);
      if (!step) throw Problems.notFound('run');
      return step.run;
    } catch (error) {
      if (error instanceof RunConflictError) throw Problems.conflict(error.message);
      throw error;
    }
  }

  /** One transaction on the run's locked row; null when there is no such run (in that workspace). */
  private async step(
    runId: string,
    workspaceId: string | null,
    fn: (step: RunStep, m: EntityManager) => Promise<void>,
  ): Promise<RunStep | null> {
    const step = await this.ds.transaction(async (m) => {
      const run = await m
        .getRepository(RunEntity)
        .createQueryBuilder('r')
        .setLock('pessimistic_write')
        .where('r.id = :id', { id: runId })
        .getOne();
      if (!run || (workspaceId !== null && run.workspaceId !== workspaceId)) return null;
      const s = new RunStep(m, run, this.deps());
      await fn(s, m);
      await s.flush();
      return s;
    });
    if (step) await this.afterCommit(step);
    return step;
  }

  private async afterCommit(step: RunStep): Promise<void> {
    this.commitObserver?.committed(step.run.id, step.writtenSeqs);
    this.bus.publish(step.events);
    if (step.dispatchSeq !== null) {
      try {
        await this.dispatcher.dispatch(step.run.id, step.dispatchSeq, step.queuedCalls);
      } catch (error) {
        // committed but not enqueued: the recovery sweep dispatches it (dispatched_seq < seq)
        this.logger.warn(
          `run ${step.run.id}: dispatch of seq ${step.dispatchSeq} failed, the sweep will retry: ${(error as Error).message}`,
        );
      }
    }
    if (step.endedSeq !== null) await this.withdrawUnstarted(step.run, step.endedSeq);
    if (step.hasOutbox) void this.outbox.flush();
  }

  private callsOf(m: EntityManager, runId: string, seq: number): Promise<AgentCallEntity[]> {
    return m
      .getRepository(AgentCallEntity)
      .find({ where: { runId, seq }, order: { position: 'ASC' } });
  }

  private deps(): StepDeps {
    const requestId = RequestContext.get()?.requestId;
    return {
      breaker: this.breaker,
      gates: QUALITY_GATES,
      configuredBackends: this.configuredBackends,
      now: Date.now,
      ...(requestId ? { requestId } : {}),
    };
  }
}

const IDEMPOTENCY_INDEX = 'runs_workspace_idempotency_key';

/** SHA-256 of a start request, its keys sorted, so the same request always hashes the same. */
function startRequestHash(body: StartRunRequest): string {
  const canonical = JSON.stringify(body, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/** `backends` keys must name an agent or a persona of the workflow (400 listing the others). */
function checkBackendKeys(
  definition: WorkflowDefinition,
  backends: Record<string, AgentBackend>,
): void {
  const known = new Set<string>();
  for (const state of Object.values(definition.states)) {
    const agents =
      state.type === 'fan-out'
        ? state.agents
        : state.type === 'single' || state.type === 'orchestrator-task'
          ? [state.agent]
          : [];
    for (const a of agents) {
      known.add(a.name);
      known.add(a.persona);
    }
  }
  const unknown = Object.keys(backends).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw Problems.validation(
      unknown.map((k) => ({
        field: `backends.${k}`,
        message: `is neither an agent nor a persona of workflow '${definition.name}'`,
      })),
    );
  }
}
