import { addUsd, BreakerCounters } from './breaker-counters';
import { ResolvedLimits } from './breaker-limits';
import { BreakerVerdict } from './breaker-verdict';
import { checkBreaker } from './check-breaker';

/**
 * The store operations as pure functions from counters to (verdict, next counters). A store only
 * has to run one of these atomically per call: the in-memory store trivially, a Redis store as a
 * single Lua script that mirrors the function it replaces.
 */
export interface BreakerStep {
  readonly verdict: BreakerVerdict;
  readonly next: BreakerCounters;
}

export interface TransitionAttempt {
  readonly toState: string;
  readonly nowMs: number;
  readonly limits: ResolvedLimits;
}

/** Counts the transition and the visit only when they fit: a denied transition leaves no trace. */
export function attemptTransition(
  counters: BreakerCounters,
  attempt: TransitionAttempt,
): BreakerStep {
  const { toState, nowMs, limits } = attempt;
  const prospective: BreakerCounters = {
    ...counters,
    transitions: counters.transitions + 1,
    visits: { ...counters.visits, [toState]: (counters.visits[toState] ?? 0) + 1 },
  };
  const verdict = checkBreaker(prospective, limits, { toState, nowMs });
  if (verdict.allowed) return { verdict, next: prospective };
  return { verdict: { ...verdict, counters }, next: counters };
}

/** Money already spent is always recorded; the verdict says whether the run may go on. */
export function recordCostStep(
  counters: BreakerCounters,
  usd: number,
  limits: ResolvedLimits,
): BreakerStep {
  const next: BreakerCounters = { ...counters, costUsd: addUsd(counters.costUsd, usd) };
  return { verdict: checkBreaker(next, limits), next };
}

/** The single extension per run: true the first time, false ever after. */
export function extendStep(counters: BreakerCounters): {
  readonly extended: boolean;
  readonly next: BreakerCounters;
} {
  if (counters.extended) return { extended: false, next: counters };
  return { extended: true, next: { ...counters, extended: true } };
}
