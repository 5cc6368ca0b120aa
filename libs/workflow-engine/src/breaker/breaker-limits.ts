import { BreakerLimit } from '@postmagiq/contracts';

/** One set of circuit-breaker limits. Visits are per state; runtime is wall-clock since start. */
export interface BreakerLimits {
  readonly stateVisits: number;
  readonly transitions: number;
  readonly runtimeMinutes: number;
  readonly costUsd: number;
}

/** What a workflow's `limits:` block may override: the soft limits, within the hard ceiling. */
export type LimitOverrides = Partial<BreakerLimits>;

export const DEFAULT_SOFT_LIMITS: BreakerLimits = Object.freeze({
  stateVisits: 3,
  transitions: 20,
  runtimeMinutes: 30,
  costUsd: 5,
});

/** Nothing extends these: not an orchestrator, not a human, not a workflow definition. */
export const HARD_LIMITS: BreakerLimits = Object.freeze({
  stateVisits: 6,
  transitions: 50,
  runtimeMinutes: 60,
  costUsd: 10,
});

/** The limits a run is held to: soft until its single extension, hard always. */
export interface ResolvedLimits {
  readonly soft: BreakerLimits;
  readonly hard: BreakerLimits;
}

/** The contract's limit names (`state_visits`, also the YAML keys) against our field names. */
export const LIMIT_FIELDS: Readonly<Record<BreakerLimit, keyof BreakerLimits>> = Object.freeze({
  state_visits: 'stateVisits',
  transitions: 'transitions',
  runtime_minutes: 'runtimeMinutes',
  cost_usd: 'costUsd',
});

export interface LimitViolation {
  readonly limit: BreakerLimit;
  readonly value: number;
  readonly ceiling: number;
}

/** Overrides above the hard ceiling; the definition parser reports them with positions. */
export function findLimitViolations(overrides: LimitOverrides): LimitViolation[] {
  const violations: LimitViolation[] = [];
  for (const [limit, field] of Object.entries(LIMIT_FIELDS) as Array<
    [BreakerLimit, keyof BreakerLimits]
  >) {
    const value = overrides[field];
    if (value !== undefined && value > HARD_LIMITS[field]) {
      violations.push({ limit, value, ceiling: HARD_LIMITS[field] });
    }
  }
  return violations;
}

/**
 * The effective limits of a run. Definitions are validated before they get here, so an override
 * above the ceiling is a programming error and throws rather than being silently clamped.
 */
export function resolveLimits(overrides: LimitOverrides = {}): ResolvedLimits {
  const violation = findLimitViolations(overrides)[0];
  if (violation) {
    throw new RangeError(
      `${violation.limit} ${violation.value} exceeds the hard ceiling of ${violation.ceiling}`,
    );
  }
  const soft: BreakerLimits = { ...DEFAULT_SOFT_LIMITS };
  for (const field of Object.values(LIMIT_FIELDS)) {
    const value = overrides[field];
    if (value !== undefined) Object.assign(soft, { [field]: value });
  }
  return { soft: Object.freeze(soft), hard: HARD_LIMITS };
}
