import { AuditResult, LintFinding } from '@postmagiq/contracts';
import { addUsd } from '../breaker/breaker-counters';

/**
 * What a run knows between states. Immutable and JSON-safe: the in-process driver replaces it at
 * every step, and the orchestration service can persist it with each transition row and resume.
 */
export interface RunContext {
  /** The latest set of text outputs: the writers' drafts, or the one revised/synthesised text. */
  readonly drafts: readonly string[];
  /** Quality-gate findings per draft, in the order of `drafts`; empty until a gate runs on them. */
  readonly findings: readonly (readonly LintFinding[])[];
  /** The latest audit. */
  readonly audit: AuditResult | null;
  /** The latest feedback of a human reviewer who rejected the post. */
  readonly feedback: string | null;
  /** The candidate final post: the latest text output, or a reviewer's approved or edited text. */
  readonly finalPost: string | null;
  readonly visits: Readonly<Record<string, number>>;
  /** The `result` of each state's latest visit, so later conditions can read it. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly transitions: number;
  readonly costUsd: number;
}

export function createRunContext(): RunContext {
  return {
    drafts: [],
    findings: [],
    audit: null,
    feedback: null,
    finalPost: null,
    visits: {},
    outputs: {},
    transitions: 0,
    costUsd: 0,
  };
}

/** Entering a state counts a visit; the visit number goes into its events and agent tasks. */
export function enterState(
  context: RunContext,
  state: string,
): { context: RunContext; visit: number } {
  const visit = (context.visits[state] ?? 0) + 1;
  return { context: { ...context, visits: { ...context.visits, [state]: visit } }, visit };
}

export function countTransition(context: RunContext): RunContext {
  return { ...context, transitions: context.transitions + 1 };
}

export function addRunCost(context: RunContext, usd: number): RunContext {
  return { ...context, costUsd: addUsd(context.costUsd, usd) };
}
