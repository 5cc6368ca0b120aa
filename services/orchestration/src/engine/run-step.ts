import {
  AgentBackend,
  AgentJob,
  AgentJobResult,
  AgentJobResultSchema,
  agentCallId,
  AgentSpec,
  describeZodIssues,
  failedAgentResult,
  RUN_FINISHED_SUBJECT,
  RUN_STARTED_SUBJECT,
  RunEvent,
  RunEventBody,
  RunFinishedEvent,
  RunStartedEvent,
  runLifecycleMsgId,
} from '@postmagiq/contracts';
import {
  addRunCost,
  AgentCallingState,
  applyStateResult,
  ApprovalResponse,
  BreakerTrip,
  BreakerVerdict,
  buildAgentTask,
  buildTransitionFacts,
  checkBreaker,
  countTransition,
  currentPost,
  enterState,
  evaluateTransitions,
  FinishedCall,
  postToApprove,
  QualityGate,
  resolveLimits,
  ResolvedLimits,
  RunEnding,
  runQualityGate,
  settleAgentVisit,
  settleFanOutVisit,
  StateDefinition,
  StateResult,
  terminalEnding,
  TransitionAttempt,
} from '@postmagiq/workflow-engine';
import { EntityManager } from 'typeorm';
import {
  BreakerRunMissingError,
  RedisBreakerCounterStore,
} from '../breaker/redis-breaker-counter-store';
import { rebuiltCounters } from '../breaker/rebuilt-counters';
import { AgentCallEntity, HaltKind, RunEntity, runtimeMs } from '../entities';
import { StepRows } from './step-rows';

/** What a step needs besides the database: the breaker, the gates, which backends have keys, a clock. */
export interface StepDeps {
  readonly breaker: RedisBreakerCounterStore;
  readonly gates: Readonly<Record<string, QualityGate>>;
  /** Backends this deployment can reach; any other runs on the `simulated` queue. */
  readonly configuredBackends: ReadonlySet<AgentBackend>;
  readonly now: () => number;
  readonly requestId?: string;
}

/** How an agent call came back: the worker's result, or why there is none. */
export type CallOutcome = { readonly result: unknown } | { readonly failure: string };

/** A step refused because the run is not in a state that allows it (answered as 409). */
export class RunConflictError extends Error {}

/**
 * One step of one run, inside the transaction that holds the run's row lock. It walks the
 * definition with the engine's pure functions (as the in-process driver does) and collects what
 * the step wrote: transition rows, agent calls, durable events, outbox entries. `flush` writes them
 * before the commit; after the commit the caller dispatches `dispatchSeq`'s jobs and publishes
 * `events` live. A crash anywhere before the commit leaves no trace; every Redis operation is
 * keyed, so the retried step counts nothing twice.
 */
export class RunStep {
  readonly events: RunEvent[] = [];
  /** Seq whose agent jobs must be enqueued after the commit. */
  dispatchSeq: number | null = null;
  /** Seq of the visit the run ended in: its calls no worker has started are withdrawn after the commit. */
  endedSeq: number | null = null;
  private readonly rows: StepRows;
  private readonly limits: ResolvedLimits;

  /**
   * @param isNew the run row does not exist yet: `flush` inserts it (with everything else) instead
   *   of updating it, so starting a run is one statement and needs no transaction.
   */
  constructor(
    private readonly m: EntityManager,
    readonly run: RunEntity,
    private readonly deps: StepDeps,
    private readonly isNew = false,
  ) {
    this.limits = resolveLimits(run.definition.limits);
    this.rows = new StepRows(deps.now);
  }

  get isActive(): boolean {
    const { status } = this.run;
    return status === 'running' || status === 'awaiting_approval' || status === 'awaiting_credit';
  }

  /** A new run: counters start, the initial state is entered (seq 0) and the run walks on. */
  async begin(startedEvent: RunStartedEvent): Promise<void> {
    await this.deps.breaker.start(this.run.id, this.run.startedAt.getTime());
    this.emit({
      type: 'run.started',
      workflow: this.run.definition.name,
      initialState: this.run.definition.initialState,
    });
    this.addOutbox(RUN_STARTED_SUBJECT, runLifecycleMsgId(this.run.id, 'started'), startedEvent);
    await this.enter(this.run.definition.initialState, 0, null, null);
  }

  /** Records a finished agent call once; its cost goes to the breaker (keyed by call id) and the totals. */
  async recordCall(call: AgentCallEntity, outcome: CallOutcome): Promise<boolean> {
    if (call.status !== 'queued' || this.rows.recorded.includes(call)) return false;
    const result = this.checkedResult(call, outcome);
    // read under the run's row lock, so still queued when the step writes
    this.rows.record(call, result);
    this.run.tokensIn += result.tokensIn;
    this.run.tokensOut += result.tokensOut;
    this.run.cachedTokensIn += result.cachedTokensIn;
    this.run.costUsd = Math.round((this.run.costUsd + result.costUsd) * 1e9) / 1e9;
    if (result.costUsd > 0) {
      await this.withCounters(() =>
        this.deps.breaker.recordCostOnce(this.run.id, result.costUsd, this.limits, call.callId),
      );
    }
    // a call of the current visit adds to the context's cost; a straggler of an earlier one too
    if (this.isActive) {
      this.run.context = addRunCost(this.run.context, result.costUsd);
      // run.finished stays the last event of a finished run; the straggler is in its call row
      this.emit({
        type: 'agent.finished',
        state: call.state,
        agent: call.agent,
        backend: result.backend,
        model: result.model,
        tokensIn: result.tokensIn,
        tokensOut: result.tokensOut,
        cachedTokensIn: result.cachedTokensIn,
        costUsd: result.costUsd,
        durationMs: result.durationMs,
        simulated: result.simulated,
        error: result.error,
      });
    }
    return true;
  }

  /**
   * Decides the current visit from its recorded calls when it can: a one-agent state once its call
   * is back, a fan-out as soon as its completion rule is met or can no longer be.
   */
  async settle(seq: number, calls: readonly AgentCallEntity[]): Promise<void> {
    const { run } = this;
    if (run.status !== 'running' || run.seq !== seq || run.pendingResult !== null) return;
    const state = this.state(run.currentState);
    const finished = (c: AgentCallEntity | undefined): FinishedCall | undefined =>
      !c || c.status === 'queued'
        ? undefined
        : { content: c.output ?? '', error: c.status === 'failed' ? (c.error ?? 'failed') : null };
    const decision =
      state.type === 'fan-out'
        ? settleFanOutVisit(
            state,
            state.agents.map((_, position) => finished(calls.find((c) => c.position === position))),
          )
        : state.type === 'single' || state.type === 'orchestrator-task'
          ? settleAgentVisit(state, finished(calls[0]))
          : null;
    if (!decision || decision.status === 'pending') return;
    if (decision.status === 'failed') return this.fail(decision.reason);
    return this.completeState(decision.result);
  }

  /** A reviewer's decision at a human-approval state (once per visit). */
  async decide(response: ApprovalResponse, userId: string): Promise<void> {
    const { run } = this;
    if (run.status !== 'awaiting_approval')
      throw new RunConflictError(`the run is ${run.status}, not awaiting approval`);
    const post = currentPost(run.context);
    this.rows.approval(run, response, userId);
    run.status = 'running';
    if (run.awaitingSince)
      run.pausedMs += Math.max(0, this.deps.now() - run.awaitingSince.getTime());
    run.awaitingSince = null;
    await this.completeState({ kind: 'approval', response, post: post ?? '' });
  }

  /**
   * Continues a run that a soft breaker limit halted: its single extension, then the refused step
   * again. A halt with a pending result refused the transition out of a decided visit; one
   * without refused a resume's re-entry (a failed run has no result to keep), so that is redone.
   */
  async extend(): Promise<void> {
    const { run } = this;
    if (run.status !== 'halted' || run.haltKind !== 'soft_breaker') {
      throw new RunConflictError(
        'only a run halted by a soft circuit-breaker limit can be extended',
      );
    }
    // The row is set only in the step Redis granted the extension in, so it refuses nothing the
    // counters would allow (unless they were rebuilt without it). The extension is keyed by the
    // halt it lifts (the run's finish count): a step that extended in Redis but did not commit
    // is retried with the same key and gets its extension, not a 409 for one it never used.
    const extended =
      !run.breakerExtended &&
      (await this.withCounters(() => this.deps.breaker.extendOnce(run.id, `x${run.finishCount}`)));
    if (!extended)
      throw new RunConflictError('this run has already used its one soft-limit extension');
    run.breakerExtended = true;
    this.reopen();
    const result = run.pendingResult;
    run.pendingResult = null;
    if (result === null) return this.transition(run.currentState, run.currentState, 'resume');
    await this.completeState(result);
  }

  /** Billing reported the run's credit exhausted: it pauses at its next state boundary. */
  markCreditExhausted(): void {
    if (this.run.status === 'running') this.run.creditExhausted = true;
  }

  /** Credit is back: a paused run takes the transition it was holding; a running one just goes on. */
  async continueWithCredit(): Promise<boolean> {
    const { run } = this;
    run.creditExhausted = false;
    if (run.status !== 'awaiting_credit') return false;
    if (run.awaitingSince)
      run.pausedMs += Math.max(0, this.deps.now() - run.awaitingSince.getTime());
    run.awaitingSince = null;
    run.status = 'running';
    const result = run.pendingResult;
    run.pendingResult = null;
    if (result !== null) await this.completeState(result);
    return true;
  }

  /** Re-enters the state a failed run failed in (a new visit: new seq, new job ids). */
  async resume(): Promise<void> {
    const { run } = this;
    if (run.status !== 'failed')
      throw new RunConflictError(`only a failed run can be resumed; this one is ${run.status}`);
    this.reopen();
    await this.transition(run.currentState, run.currentState, 'resume');
  }

  /**
   * The runtime limit is otherwise checked only at a transition, which a hung call or a queue
   * nobody consumes never reaches: the recovery sweep asks every running run here. Past a hard
   * limit it halts for good, as a refused transition would (`breaker.tripped`, a hard halt); a
   * soft limit waits for the next transition, where the run can still be extended. Returns
   * whether it halted the run (false when another replica already did: the row lock orders them).
   */
  async haltIfOverdue(): Promise<boolean> {
    const { run } = this;
    if (run.status !== 'running') return false;
    // counters gone (a week idle): the database knows the start, which is all runtime needs
    const counters = (await this.deps.breaker.counters(run.id)) ?? rebuiltCounters(run);
    const verdict = checkBreaker(counters, this.limits, { nowMs: this.runClockMs() });
    if (verdict.allowed || verdict.soft) return false;
    await this.trip(verdict, run.currentState);
    return true;
  }

  async cancel(reason: string): Promise<void> {
    if (!this.isActive) throw new RunConflictError(`the run is already ${this.run.status}`);
    await this.finish({ status: 'cancelled', reason });
  }

  /**
   * The jobs of `seq` were on their queues (a step job of that visit is being processed), so the
   * run's `dispatched_seq` can say so in this step's write instead of a statement of its own
   * after every dispatch. The recovery sweep marks visits that take longer than its grace period.
   */
  noteDispatched(seq: number): void {
    if (seq > this.run.dispatchedSeq && seq <= this.run.seq) this.run.dispatchedSeq = seq;
  }

  /** Writes what the step produced, in one statement (see StepRows); the caller commits. */
  flush(): Promise<void> {
    return this.rows.write(this.m, this.run, this.isNew, this.events);
  }

  /** The agent calls this step queued (dispatched after the commit). */
  get queuedCalls(): readonly AgentCallEntity[] {
    return this.rows.calls;
  }

  /** Seqs of the transition rows this step wrote. */
  get writtenSeqs(): number[] {
    return this.rows.transitions.map((t) => t.seq);
  }

  get hasOutbox(): boolean {
    return this.rows.outbox.length > 0;
  }

  // ── the walk ──────────────────────────────────────────────────────────────────────────────

  /** The visit's result is known: settle the cost breaker, apply it, and take the first transition that holds. */
  private async completeState(result: StateResult): Promise<void> {
    const { run } = this;
    const from = run.currentState;
    run.pendingResult = result;
    if (run.creditExhausted) {
      // no more calls until credit arrives: the result waits here (continueWithCredit applies it)
      run.status = 'awaiting_credit';
      // a pause, not runtime (the runtime limit must not trip while the workspace tops up)
      run.awaitingSince = new Date(this.deps.now());
      return;
    }
    // the cost of the calls recorded so far (transitions are checked when taken); nothing spent, nothing to check
    if (run.costUsd > 0) {
      const counters = await this.withCounters(async () => this.deps.breaker.counters(run.id));
      const costVerdict = counters ? checkBreaker(counters, this.limits) : null;
      if (costVerdict && !costVerdict.allowed) return this.trip(costVerdict, from);
    }

    run.context = applyStateResult(run.context, from, result);
    const facts = buildTransitionFacts(run.definition, run.context, result, this.elapsedMinutes());
    const transition = evaluateTransitions(this.state(from), facts);
    if (!transition) return this.fail(`state '${from}': no transition condition holds`);
    await this.transition(from, transition.target, transition.condition.source);
  }

  /** Passes the breaker (keyed by the seq the transition will get), then writes the row and enters the target. */
  private async transition(from: string, to: string, condition: string): Promise<void> {
    const { run } = this;
    const seq = run.seq + 1;
    const attempt: TransitionAttempt = {
      toState: to,
      nowMs: this.runClockMs(),
      limits: this.limits,
    };
    const verdict = await this.withCounters(() =>
      this.deps.breaker.tryTransitionOnce(run.id, attempt, `t${seq}`),
    );
    if (!verdict.allowed) return this.trip(verdict, from);
    this.emit({ type: 'transition', from, to, condition });
    run.context = countTransition(run.context);
    await this.enter(to, seq, from, condition);
  }

  private async enter(
    name: string,
    seq: number,
    from: string | null,
    condition: string | null,
  ): Promise<void> {
    const { run } = this;
    const state = this.state(name);
    const entered = enterState(run.context, name);
    run.context = entered.context;
    run.currentState = name;
    run.seq = seq;
    run.pendingResult = null;
    this.rows.transition(
      run,
      { seq, from, to: name, stateType: state.type },
      condition,
      entered.visit,
    );
    this.emit({ type: 'state.entered', state: name, stateType: state.type, visit: entered.visit });
    switch (state.type) {
      case 'initial':
        return this.completeState({ kind: 'none' });
      case 'terminal':
        return this.finish(
          terminalEnding(state, run.context),
          state.outcome === 'halted' ? 'terminal' : null,
        );
      case 'human-approval': {
        const approval = postToApprove(state, run.context);
        if (!approval.ok) return this.fail(approval.reason);
        this.emit({ type: 'approval.requested', state: name, post: approval.post });
        run.status = 'awaiting_approval';
        run.awaitingSince = new Date(this.deps.now());
        return;
      }
      case 'single':
      case 'orchestrator-task': {
        const gate = runQualityGate(state, this.deps.gates, run.context, run.input);
        if (!gate.ok) return this.fail(gate.reason);
        gate.events.forEach((event) => this.emit(event));
        run.context = gate.context;
        this.queueCalls(state, [state.agent], entered.visit, false);
        return;
      }
      case 'fan-out':
        this.queueCalls(state, state.agents, entered.visit, state.completion.kind !== 'all');
        return;
    }
  }

  /** Agent calls of the visit: rows now, jobs after the commit (deterministic ids make a re-dispatch a no-op). */
  private queueCalls(
    state: AgentCallingState,
    agents: readonly AgentSpec[],
    visit: number,
    early: boolean,
  ): void {
    const { run } = this;
    agents.forEach((declared, position) => {
      const requested =
        run.backendOverrides[declared.name] ??
        run.backendOverrides[declared.persona] ??
        declared.backend;
      // a model names a model of the declared backend; another backend runs its own default
      const { model: _model, ...withoutModel } = declared;
      const agent: AgentSpec =
        requested === declared.backend ? declared : { ...withoutModel, backend: requested };
      const queueBackend: AgentBackend = this.deps.configuredBackends.has(requested)
        ? requested
        : 'simulated';
      const callId = agentCallId(run.id, run.seq, agent.name);
      const task = buildAgentTask({
        runId: run.id,
        state,
        visit,
        agent,
        input: run.input,
        context: run.context,
      });
      const job: AgentJob = {
        callId,
        workspaceId: run.workspaceId,
        task,
        personaOverrides: run.personaOverrides,
        ...(this.deps.requestId ? { requestId: this.deps.requestId } : {}),
      };
      this.rows.queue(run, {
        callId,
        state: state.name,
        visit,
        position,
        agent: agent.name,
        persona: agent.persona,
        requestedBackend: requested,
        queueBackend,
        job,
        early,
      });
      this.emit({
        type: 'agent.started',
        state: state.name,
        agent: agent.name,
        backend: queueBackend,
        model: queueBackend === requested ? (agent.model ?? 'default') : 'default',
      });
    });
    this.dispatchSeq = run.seq;
  }

  private async trip(verdict: BreakerTrip, state: string): Promise<void> {
    this.emit({
      type: 'breaker.tripped',
      state,
      limit: verdict.limit,
      soft: verdict.soft,
      reason: verdict.reason,
    });
    const extendable =
      verdict.soft &&
      !this.run.breakerExtended &&
      !(await this.withCounters(() => this.deps.breaker.counters(this.run.id)))?.extended;
    const reason = extendable
      ? `${verdict.reason} (soft limit: POST /api/workflows/runs/${this.run.id}/extend continues the run once)`
      : verdict.reason;
    await this.finish({ status: 'halted', reason }, extendable ? 'soft_breaker' : 'hard_breaker');
  }

  private fail(reason: string): Promise<void> {
    return this.finish({ status: 'failed', reason });
  }

  private async finish(ending: RunEnding, haltKind: HaltKind | null = null): Promise<void> {
    const { run } = this;
    run.status = ending.status;
    run.reason = ending.reason;
    run.haltKind = ending.status === 'halted' ? haltKind : null;
    run.finalPost = ending.status === 'completed' ? currentPost(run.context) : null;
    run.finishedAt = new Date(this.deps.now());
    // a run cancelled while waiting for its reviewer: that wait was no runtime either
    if (run.awaitingSince)
      run.pausedMs += Math.max(0, run.finishedAt.getTime() - run.awaitingSince.getTime());
    run.awaitingSince = null;
    if (ending.status !== 'halted' || haltKind !== 'soft_breaker') run.pendingResult = null;
    const event = this.emit({
      type: 'run.finished',
      status: ending.status,
      finalState: run.currentState,
      reason: ending.reason,
      finalPost: run.finalPost,
    });
    const finished: RunFinishedEvent = {
      runId: run.id,
      workspaceId: run.workspaceId,
      storyEntryId: run.storyEntryId,
      workflow: run.workflow,
      status: ending.status,
      reason: ending.reason,
      finalPost: run.finalPost,
      usage: { tokensIn: run.tokensIn, tokensOut: run.tokensOut, costUsd: run.costUsd },
      at: event.at,
    };
    // a run finishing again after resume/extend publishes a new event, with an id of its own
    this.addOutbox(
      RUN_FINISHED_SUBJECT,
      runLifecycleMsgId(run.id, 'finished', run.finishCount === 0 ? undefined : event.seq),
      finished,
    );
    run.finishCount += 1;
    // only an agent-calling visit can have calls left on a queue
    const { type } = this.state(run.currentState);
    if (type === 'fan-out' || type === 'single' || type === 'orchestrator-task')
      this.endedSeq = run.seq;
  }

  /**
   * A failed or halted run goes on (resume, extend). The time it stood still since it finished is
   * no runtime: without this, a run resumed an hour after it started would trip the hard runtime
   * limit on its first transition.
   */
  private reopen(): void {
    const { run } = this;
    if (run.finishedAt) run.pausedMs += Math.max(0, this.deps.now() - run.finishedAt.getTime());
    run.status = 'running';
    run.reason = null;
    run.haltKind = null;
    run.finishedAt = null;
    run.finalPost = null;
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  private emit(body: RunEventBody): RunEvent {
    this.run.eventSeq += 1;
    const event = {
      ...body,
      runId: this.run.id,
      seq: this.run.eventSeq,
      at: new Date(this.deps.now()).toISOString(),
    } as RunEvent;
    this.events.push(event);
    return event;
  }

  private addOutbox(subject: string, msgId: string, payload: object): void {
    this.rows.lifecycleEvent(this.run, subject, msgId, payload, this.deps.requestId);
  }

  private state(name: string): StateDefinition {
    const state = this.run.definition.states[name];
    if (!state) throw new Error(`the workflow has no state '${name}'`);
    return state;
  }

  /**
   * The breaker's clock: wall time minus the time that is not runtime (`pausedMs`: waiting for
   * reviewers, standing failed or halted), so `now - startedAt` on it is the run's runtime.
   */
  private runClockMs(): number {
    return this.deps.now() - this.run.pausedMs;
  }

  private elapsedMinutes(): number {
    return runtimeMs(this.run, this.deps.now()) / 60_000;
  }

  /** Validates what the worker returned; anything off the contract is a failed call saying why. */
  private checkedResult(
    call: AgentCallEntity,
    outcome: CallOutcome,
  ): AgentJobResult | Omit<AgentJobResult, 'promptHash' | 'callId'> {
    const failed = (error: string) =>
      failedAgentResult(call.queueBackend, call.job.task.agent.model ?? 'unknown', error);
    if ('failure' in outcome) return failed(`the agent job failed: ${outcome.failure}`);
    const parsed = AgentJobResultSchema.safeParse(outcome.result);
    if (!parsed.success)
      return failed(`the worker returned an invalid result (${describeZodIssues(parsed.error)})`);
    if (parsed.data.callId !== call.callId)
      return failed(`the worker answered for call ${parsed.data.callId}, not ${call.callId}`);
    return parsed.data;
  }

  /**
   * Redis counters outlive a run by a week; a run that waited longer for its reviewer (or is
   * resumed later) gets them back from what the database knows (transitions, visits, cost, the
   * extension) before the operation is retried. While they exist, Redis decides.
   */
  private async withCounters<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      if (!(error instanceof BreakerRunMissingError)) throw error;
      await this.deps.breaker.restore(this.run.id, rebuiltCounters(this.run));
      return op();
    }
  }
}

export type { BreakerVerdict };
