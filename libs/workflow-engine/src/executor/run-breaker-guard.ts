import { RunEventBody } from '@postmagiq/contracts';
import { BreakerCounterStore } from '../breaker/breaker-counter-store';
import { ResolvedLimits } from '../breaker/breaker-limits';
import { abortable } from './abortable';
import { RunEnding } from './run-ending';
import { StateBreakerTrip } from './run-workflow-options';

export interface RunBreakerGuardDeps {
  readonly runId: string;
  readonly breaker: BreakerCounterStore;
  readonly limits: ResolvedLimits;
  readonly now: () => number;
  readonly emit: (body: RunEventBody) => void;
  readonly onSoftLimit?: (trip: StateBreakerTrip) => Promise<boolean>;
  readonly signal?: AbortSignal;
}

/**
 * The driver's side of the circuit breaker: every transition and every call's cost goes through
 * the store, a trip is announced, and a soft trip may use the run's one extension.
 */
export class RunBreakerGuard {
  /** The latest cost verdict that denied; calls finish concurrently, so it is handled at a step boundary. */
  private costTrip: StateBreakerTrip | null = null;
  private extended = false;

  constructor(private readonly deps: RunBreakerGuardDeps) {}

  async recordCost(state: string, usd: number): Promise<void> {
    const verdict = await this.deps.breaker.recordCost(this.deps.runId, usd, this.deps.limits);
    if (!verdict.allowed) this.costTrip = { ...verdict, state };
  }

  /** null: go on; otherwise the run halts for the cost recorded since the last boundary. */
  async settleCost(): Promise<RunEnding | null> {
    const trip = this.costTrip;
    this.costTrip = null;
    return trip ? this.handleTrip(trip) : null;
  }

  /** Checks and records the transition; on a soft trip that gets extended, tries again. */
  async passTransition(from: string, to: string): Promise<RunEnding | null> {
    for (;;) {
      const verdict = await this.deps.breaker.tryTransition(this.deps.runId, {
        toState: to,
        nowMs: this.deps.now(),
        limits: this.deps.limits,
      });
      if (verdict.allowed) return null;
      const ending = await this.handleTrip({ ...verdict, state: from });
      if (ending) return ending;
    }
  }

  private async handleTrip(trip: StateBreakerTrip): Promise<RunEnding | null> {
    // A soft verdict computed before this run's extension is stale: the hard limits apply now.
    if (trip.soft && this.extended) return null;
    this.deps.emit({
      type: 'breaker.tripped',
      state: trip.state,
      limit: trip.limit,
      soft: trip.soft,
      reason: trip.reason,
    });
    if (trip.soft && (await this.askToExtend(trip))) {
      this.extended = true;
      return null;
    }
    return { status: 'halted', reason: trip.reason };
  }

  private async askToExtend(trip: StateBreakerTrip): Promise<boolean> {
    const { onSoftLimit, signal, breaker, runId } = this.deps;
    if (!onSoftLimit) return false;
    const extend = await abortable(onSoftLimit(trip), signal);
    // The store has the last word: it refuses a second extension even across replicas.
    return extend && breaker.extend(runId);
  }
}
