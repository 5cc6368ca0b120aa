import { BreakerCounterStore } from './breaker-counter-store';
import { BreakerCounters, initialCounters } from './breaker-counters';
import { ResolvedLimits } from './breaker-limits';
import {
  attemptTransition,
  extendStep,
  recordCostStep,
  TransitionAttempt,
} from './breaker-operations';
import { BreakerVerdict } from './breaker-verdict';

/** For the CLI, tests and the one-process driver. JavaScript's single thread makes each step atomic. */
export class InMemoryBreakerCounterStore implements BreakerCounterStore {
  private readonly runs = new Map<string, BreakerCounters>();

  async start(runId: string, nowMs: number): Promise<BreakerCounters> {
    const existing = this.runs.get(runId);
    if (existing) return existing;
    const counters = initialCounters(nowMs);
    this.runs.set(runId, counters);
    return counters;
  }

  async tryTransition(runId: string, attempt: TransitionAttempt): Promise<BreakerVerdict> {
    const { verdict, next } = attemptTransition(this.require(runId), attempt);
    this.runs.set(runId, next);
    return verdict;
  }

  async recordCost(runId: string, usd: number, limits: ResolvedLimits): Promise<BreakerVerdict> {
    const { verdict, next } = recordCostStep(this.require(runId), usd, limits);
    this.runs.set(runId, next);
    return verdict;
  }

  async extend(runId: string): Promise<boolean> {
    const { extended, next } = extendStep(this.require(runId));
    this.runs.set(runId, next);
    return extended;
  }

  async counters(runId: string): Promise<BreakerCounters | null> {
    return this.runs.get(runId) ?? null;
  }

  private require(runId: string): BreakerCounters {
    const counters = this.runs.get(runId);
    // Counting a run nobody started would silently grant it fresh limits.
    if (!counters) throw new Error(`circuit breaker: run '${runId}' was never started`);
    return counters;
  }
}
