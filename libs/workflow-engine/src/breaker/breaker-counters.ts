/**
 * What the breaker counts for one run. Flat and numeric so a Redis hash can hold it
 * (`startedAtMs`, `transitions`, `costUsd`, `extended`, one `visit:<state>` field per state).
 */
export interface BreakerCounters {
  readonly startedAtMs: number;
  /** Transitions taken; entering the initial state is not a transition. */
  readonly transitions: number;
  /** Visits per state reached by a transition. */
  readonly visits: Readonly<Record<string, number>>;
  readonly costUsd: number;
  /** The run has used its one soft-limit extension: the hard limits now apply. */
  readonly extended: boolean;
}

export function initialCounters(nowMs: number): BreakerCounters {
  return { startedAtMs: nowMs, transitions: 0, visits: {}, costUsd: 0, extended: false };
}

/** Cost sums to the nano-dollar, so fifty calls of $0.10 make exactly $5 and do not trip $5. */
export function addUsd(a: number, b: number): number {
  return Math.round((a + b) * 1e9) / 1e9;
}
