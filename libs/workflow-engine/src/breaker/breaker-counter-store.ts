import { BreakerCounters } from './breaker-counters';
import { ResolvedLimits } from './breaker-limits';
import { TransitionAttempt } from './breaker-operations';
import { BreakerVerdict } from './breaker-verdict';

/**
 * Where a run's breaker counters live. Every method is one atomic step (see breaker-operations):
 * a Redis implementation runs each as ONE Lua script over the run's hash, so two replicas driving
 * the same run can never both pass a limit.
 */
export interface BreakerCounterStore {
  /** Starts counting for a run. Idempotent: a repeated start keeps the existing counters. */
  start(runId: string, nowMs: number): Promise<BreakerCounters>;
  /** Checks the transition against the effective limits and records it only when allowed. */
  tryTransition(runId: string, attempt: TransitionAttempt): Promise<BreakerVerdict>;
  /** Adds an agent call's cost (always) and checks the cost limit. */
  recordCost(runId: string, usd: number, limits: ResolvedLimits): Promise<BreakerVerdict>;
  /** Uses the run's single soft-limit extension; false when it was already used. */
  extend(runId: string): Promise<boolean>;
  counters(runId: string): Promise<BreakerCounters | null>;
}
