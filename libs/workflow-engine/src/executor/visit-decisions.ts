import { RunEventBody, RunInput } from '@postmagiq/contracts';
import { AgentState, FanOutState, HumanApprovalState } from '../definition/workflow-definition';
import { applyGateFindings } from './apply-state-result';
import { currentPost } from './current-post';
import { QualityGate } from './executor-ports';
import { describeCompletion, fanOutStatus } from './fan-out-completion';
import { parseAgentOutput } from './parse-agent-output';
import { RunContext } from './run-context';
import { StateResult } from './state-result';

/*
 * The decisions of a state visit, as pure functions of what is known about it. The in-process
 * driver (WorkflowRun) and the orchestration service (RunStep, one database step at a time) call
 * these and only do the I/O around them, so a run decides the same way wherever it runs.
 */

/** A call of the visit that is back: its answer, or the error it failed with. */
export interface FinishedCall {
  readonly content: string;
  readonly error: string | null;
}

/** `pending`: wait for more calls; `failed`: the run fails with `reason`; `settled`: go on with `result`. */
export type VisitDecision =
  | { readonly status: 'pending' }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'settled'; readonly result: StateResult };

/**
 * A fan-out visit from its calls so far, in the order its agents are declared (`undefined`: not
 * back yet): settled as soon as its completion rule is met, failed as soon as it can no longer
 * be, pending otherwise. The drafts are the successful answers in declaration order.
 */
export function settleFanOutVisit(
  state: FanOutState,
  calls: ReadonlyArray<FinishedCall | undefined>,
): VisitDecision {
  const done = calls.flatMap((call, i) => (call ? [{ call, agent: state.agents[i] }] : []));
  const succeeded = done.filter(({ call }) => call.error === null);
  const tally = {
    succeeded: succeeded.length,
    failed: done.length - succeeded.length,
    total: state.agents.length,
  };
  const status = fanOutStatus(state.completion, tally);
  if (status === 'pending') return { status };
  if (status === 'unsatisfiable') {
    const errors = done
      .filter(({ call }) => call.error !== null)
      .map(({ call, agent }) => `${agent?.name}: ${call.error}`);
    return {
      status: 'failed',
      reason: `state '${state.name}': ${describeCompletion(state.completion)} can no longer be met (${errors.join('; ')})`,
    };
  }
  return {
    status: 'settled',
    result: {
      kind: 'fan-out',
      drafts: succeeded.map(({ call }) => call.content),
      completed: tally.succeeded,
      failed: tally.failed,
      total: tally.total,
    },
  };
}

/**
 * A one-agent visit (`single`, `orchestrator-task`) from its call: pending until it is back, failed
 * when it failed or its answer does not fit the state's output schema, else its text or its
 * parsed structured answer.
 */
export function settleAgentVisit(state: AgentState, call: FinishedCall | undefined): VisitDecision {
  if (!call) return { status: 'pending' };
  const who = `state '${state.name}': agent '${state.agent.name}'`;
  if (call.error !== null) return { status: 'failed', reason: `${who} failed: ${call.error}` };
  if (state.outputSchema === undefined)
    return { status: 'settled', result: { kind: 'text', content: call.content } };
  const parsed = parseAgentOutput(call.content, state.outputSchema);
  if (!parsed.ok)
    return {
      status: 'failed',
      reason: `${who} returned an invalid ${state.outputSchema}: ${parsed.reason}`,
    };
  return { status: 'settled', result: { kind: 'structured', output: parsed.output } };
}

/** What a state's quality gate found: the context carrying the findings, and one event per draft. */
export type GateOutcome =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly context: RunContext;
      readonly events: readonly RunEventBody<'gate.findings'>[];
    };

/**
 * Runs the state's `quality_gate` over the drafts it receives, before its agent is called, so the
 * agent's task carries the findings. A state without a gate changes nothing; a gate this run does
 * not have fails the run.
 */
export function runQualityGate(
  state: AgentState,
  gates: Readonly<Record<string, QualityGate>>,
  context: RunContext,
  input: RunInput,
): GateOutcome {
  const name = state.qualityGate;
  if (name === undefined) return { ok: true, context, events: [] };
  const gate = gates[name];
  if (!gate)
    return {
      ok: false,
      reason: `state '${state.name}': quality gate '${name}' is not available to this run`,
    };
  const findings = context.drafts.map((draft) => gate(draft, input));
  return {
    ok: true,
    context: applyGateFindings(context, findings),
    events: findings.map((list, draft) => ({
      type: 'gate.findings',
      state: state.name,
      gate: name,
      draft,
      findings: list,
    })),
  };
}

/** The post a human-approval state asks about: the current one, or a failure when there is none yet. */
export function postToApprove(
  state: HumanApprovalState,
  context: RunContext,
): { readonly ok: true; readonly post: string } | { readonly ok: false; readonly reason: string } {
  const post = currentPost(context);
  if (post === null)
    return { ok: false, reason: `state '${state.name}': there is no post to approve yet` };
  return { ok: true, post };
}
