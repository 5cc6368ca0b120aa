import { AgentResult, AgentSpec, RunEventBody } from '@postmagiq/contracts';
import { resolveLimits, ResolvedLimits } from '../breaker/breaker-limits';
import {
  AgentState,
  FanOutState,
  HumanApprovalState,
  StateDefinition,
  WorkflowDefinition,
} from '../definition/workflow-definition';
import { abortable, RunCancelledError, throwIfAborted } from './abortable';
import { applyStateResult } from './apply-state-result';
import { AgentCallingState, buildAgentTask } from './build-agent-task';
import { currentPost } from './current-post';
import { evaluateTransitions } from './evaluate-transitions';
import { ApprovalResponseSchema } from './executor-ports';
import {
  addRunCost,
  countTransition,
  createRunContext,
  enterState,
  RunContext,
} from './run-context';
import { failedEnding, RunEnding, terminalEnding } from './run-ending';
import { createRunEventStamper, RunEventStamper } from './run-event-stamper';
import { RunBreakerGuard } from './run-breaker-guard';
import { RunOutcome, RunWorkflowOptions } from './run-workflow-options';
import {
  addUsage,
  AgentCallRecord,
  agentCallRecord,
  EMPTY_USAGE,
  failedResultOf,
  RunUsage,
} from './run-usage';
import { settleFanOut } from './settle-fan-out';
import { StateResult } from './state-result';
import { buildTransitionFacts } from './transition-facts';
import { checkedAgentResult } from './checked-agent-result';
import {
  postToApprove,
  runQualityGate,
  settleAgentVisit,
  settleFanOutVisit,
  VisitDecision,
} from './visit-decisions';

type Step =
  | { readonly ok: true; readonly result: StateResult }
  | { readonly ok: false; readonly reason: string };

/**
 * The in-process driver of one run: it walks the definition with the pure decision functions and
 * does the I/O they leave out (agent calls, approvals, the breaker store, events). The
 * orchestration service replaces this class, not the functions it calls.
 */
export class WorkflowRun {
  private context: RunContext = createRunContext();
  private current: string;
  private usage: RunUsage = EMPTY_USAGE;
  private readonly visited: string[] = [];
  private readonly calls: AgentCallRecord[] = [];
  /** Agent calls not yet finished, fan-out stragglers included: the run waits for them at the end. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private startedAtMs = 0;
  private readonly limits: ResolvedLimits;
  private readonly now: () => number;
  private readonly stamper: RunEventStamper;
  private readonly guard: RunBreakerGuard;

  constructor(
    private readonly definition: WorkflowDefinition,
    private readonly options: RunWorkflowOptions,
  ) {
    this.current = definition.initialState;
    this.limits = resolveLimits(definition.limits);
    this.now = options.now ?? Date.now;
    this.stamper = createRunEventStamper(options.runId, this.now);
    this.guard = new RunBreakerGuard({
      runId: options.runId,
      breaker: options.breaker,
      limits: this.limits,
      now: this.now,
      emit: (body) => this.emit(body),
      ...(options.onSoftLimit ? { onSoftLimit: options.onSoftLimit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async execute(): Promise<RunOutcome> {
    let ending: RunEnding;
    try {
      this.startedAtMs = this.now();
      await this.options.breaker.start(this.options.runId, this.startedAtMs);
      this.emit({
        type: 'run.started',
        workflow: this.definition.name,
        initialState: this.definition.initialState,
      });
      ending = await this.walk();
    } catch (error) {
      ending = this.endingOf(error);
    }
    // Late fan-out calls still cost money: wait for them so usage is complete, unless cancelled.
    if (ending.status !== 'cancelled') await Promise.allSettled([...this.inFlight]);
    const finalPost = ending.status === 'completed' ? currentPost(this.context) : null;
    this.emit({
      type: 'run.finished',
      status: ending.status,
      finalState: this.current,
      reason: ending.reason,
      finalPost,
    });
    this.closed = true;
    return {
      status: ending.status,
      finalState: this.current,
      reason: ending.reason,
      finalPost,
      visitedStates: [...this.visited],
      usage: this.usage,
      agents: [...this.calls],
    };
  }

  private async walk(): Promise<RunEnding> {
    this.enter(this.definition.initialState);
    for (;;) {
      throwIfAborted(this.options.signal);
      const state = this.stateNamed(this.current);
      if (state.type === 'terminal') return terminalEnding(state, this.context);
      const step = await this.run(state);
      if (!step.ok) return failedEnding(step.reason);
      const costEnding = await this.guard.settleCost();
      if (costEnding) return costEnding;

      this.context = applyStateResult(this.context, state.name, step.result);
      const facts = buildTransitionFacts(
        this.definition,
        this.context,
        step.result,
        this.elapsedMinutes(),
      );
      const transition = evaluateTransitions(state, facts);
      if (!transition) return failedEnding(`state '${state.name}': no transition condition holds`);
      const breakerEnding = await this.guard.passTransition(state.name, transition.target);
      if (breakerEnding) return breakerEnding;

      this.emit({
        type: 'transition',
        from: state.name,
        to: transition.target,
        condition: transition.condition.source,
      });
      this.context = countTransition(this.context);
      this.enter(transition.target);
    }
  }

  private run(state: Exclude<StateDefinition, { type: 'terminal' }>): Promise<Step> {
    switch (state.type) {
      case 'initial':
        return Promise.resolve({ ok: true, result: { kind: 'none' } });
      case 'fan-out':
        return this.runFanOut(state);
      case 'single':
      case 'orchestrator-task':
        return this.runAgentState(state);
      case 'human-approval':
        return this.runApproval(state);
    }
  }

  private async runFanOut(state: FanOutState): Promise<Step> {
    const visit = this.visitOf(state.name);
    const calls = state.agents.map((agent) => this.callAgent(state, agent, visit));
    const settlement = await abortable(settleFanOut(calls, state.completion), this.options.signal);
    return stepOf(settleFanOutVisit(state, settlement.results));
  }

  private async runAgentState(state: AgentState): Promise<Step> {
    // the gate runs over the drafts the state received, so its agent's task carries the findings
    const gate = runQualityGate(state, this.options.gates ?? {}, this.context, this.options.input);
    if (!gate.ok) return gate;
    gate.events.forEach((event) => this.emit(event));
    this.context = gate.context;
    const result = await abortable(
      this.callAgent(state, state.agent, this.visitOf(state.name)),
      this.options.signal,
    );
    return stepOf(settleAgentVisit(state, result));
  }

  private async runApproval(state: HumanApprovalState): Promise<Step> {
    const approval = postToApprove(state, this.context);
    if (!approval.ok) return approval;
    const { post } = approval;
    this.emit({ type: 'approval.requested', state: state.name, post });
    const answer = await abortable(
      this.options.approve({ runId: this.options.runId, state: state.name, post }),
      this.options.signal,
    );
    const response = ApprovalResponseSchema.safeParse(answer);
    if (!response.success) {
      const problem = response.error.issues.map((issue) => issue.message).join('; ');
      return { ok: false, reason: `state '${state.name}': invalid approval answer: ${problem}` };
    }
    return { ok: true, result: { kind: 'approval', response: response.data, post } };
  }

  /**
   * One agent call with its events and accounting. Resolves with a result even when the invoker
   * throws (as a failed call); rejects only when the run is cancelled or the breaker store fails.
   */
  private callAgent(
    state: AgentCallingState,
    agent: AgentSpec,
    visit: number,
  ): Promise<AgentResult> {
    const { runId, input, signal } = this.options;
    const task = buildAgentTask({ runId, state, visit, agent, input, context: this.context });
    this.emit({
      type: 'agent.started',
      state: state.name,
      agent: agent.name,
      backend: agent.backend,
      model: agent.model ?? 'default',
    });
    const onToken = (text: string, attempt = 1): void =>
      this.emit({
        type: 'agent.token',
        state: state.name,
        agent: agent.name,
        text,
        ...(attempt > 1 ? { attempt } : {}),
      });
    const call = (async (): Promise<AgentResult> => {
      let result: AgentResult;
      try {
        result = checkedAgentResult(agent, await this.options.invoke(task, onToken, signal));
      } catch (error) {
        if (signal?.aborted) throw new RunCancelledError(signal.reason);
        result = failedResultOf(agent, messageOf(error));
      }
      this.recordCall(state.name, visit, agent, result);
      await this.guard.recordCost(state.name, result.costUsd);
      return result;
    })();
    this.inFlight.add(call);
    const forget = (): void => {
      this.inFlight.delete(call);
    };
    call.then(forget, forget);
    return call;
  }

  private recordCall(state: string, visit: number, agent: AgentSpec, result: AgentResult): void {
    const record = agentCallRecord(state, visit, agent, result);
    this.calls.push(record);
    this.usage = addUsage(this.usage, record);
    this.context = addRunCost(this.context, result.costUsd);
    const { visit: _visit, ...fields } = record;
    this.emit({ type: 'agent.finished', ...fields });
  }

  private enter(name: string): void {
    const state = this.stateNamed(name);
    const entered = enterState(this.context, name);
    this.context = entered.context;
    this.current = name;
    this.visited.push(name);
    this.emit({ type: 'state.entered', state: name, stateType: state.type, visit: entered.visit });
  }

  private stateNamed(name: string): StateDefinition {
    const state = this.definition.states[name];
    // Parsed definitions never get here; hand-built ones might.
    if (!state) throw new Error(`the workflow has no state '${name}'`);
    return state;
  }

  private visitOf(state: string): number {
    return this.context.visits[state] ?? 1;
  }

  private elapsedMinutes(): number {
    return (this.now() - this.startedAtMs) / 60_000;
  }

  private endingOf(error: unknown): RunEnding {
    if (error instanceof RunCancelledError) {
      return { status: 'cancelled', reason: `cancelled: ${error.message}` };
    }
    return failedEnding(`state '${this.current}': ${messageOf(error)}`);
  }

  /** Events of calls that finish after the run ended are dropped: run.finished stays last. */
  private emit(body: RunEventBody): void {
    if (this.closed) return;
    this.options.onEvent(this.stamper.stamp(body));
  }
}

/** A visit the driver waited for is decided: `pending` cannot come back from its settlement. */
function stepOf(decision: VisitDecision): Step {
  if (decision.status === 'settled') return { ok: true, result: decision.result };
  if (decision.status === 'failed') return { ok: false, reason: decision.reason };
  throw new Error('a settled visit came back pending');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
