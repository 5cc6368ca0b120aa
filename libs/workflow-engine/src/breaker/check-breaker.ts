import { BreakerLimit } from '@postmagiq/contracts';
import { BreakerCounters } from './breaker-counters';
import { BreakerLimits, ResolvedLimits } from './breaker-limits';
import { BreakerVerdict } from './breaker-verdict';

/** What to check besides transitions and cost, which are always checked. */
export interface BreakerProbe {
  /** Check the visits of this state (the counters already include the visit being attempted). */
  readonly toState?: string;
  /** Check the elapsed runtime at this instant. */
  readonly nowMs?: number;
}

interface Measure {
  readonly limit: BreakerLimit;
  readonly value: number;
  readonly of: (limits: BreakerLimits) => number;
  readonly describe: (value: number, bound: number, kind: 'soft' | 'hard') => string;
}

/**
 * The one decision every breaker store makes: do these counters fit the limits? Pure, so the
 * in-memory store calls it and a Redis store's Lua script can be tested against it case by case.
 *
 * A hard limit is checked first and is never extendable. A soft limit only applies until the run
 * has used its extension; after that the hard limits are the effective ones. Counts trip when
 * they go above the limit (the 4th visit of a 3-visit limit); runtime and cost trip when they
 * exceed it.
 */
export function checkBreaker(
  counters: BreakerCounters,
  limits: ResolvedLimits,
  probe: BreakerProbe = {},
): BreakerVerdict {
  const measures = measuresOf(counters, probe);
  for (const measure of measures) {
    const bound = measure.of(limits.hard);
    if (measure.value > bound) return trip(measure, bound, 'hard', counters);
  }
  if (!counters.extended) {
    for (const measure of measures) {
      const bound = measure.of(limits.soft);
      if (measure.value > bound) return trip(measure, bound, 'soft', counters);
    }
  }
  return { allowed: true, counters };
}

function measuresOf(counters: BreakerCounters, probe: BreakerProbe): Measure[] {
  const measures: Measure[] = [];
  const { toState, nowMs } = probe;
  if (toState !== undefined) {
    measures.push({
      limit: 'state_visits',
      value: counters.visits[toState] ?? 0,
      of: (l) => l.stateVisits,
      describe: (v, b, kind) =>
        `state '${toState}' would be visited ${v} times; the ${kind} limit is ${b} visits per state`,
    });
  }
  measures.push({
    limit: 'transitions',
    value: counters.transitions,
    of: (l) => l.transitions,
    describe: (v, b, kind) => `the run would take ${v} transitions; the ${kind} limit is ${b}`,
  });
  if (nowMs !== undefined) {
    measures.push({
      limit: 'runtime_minutes',
      value: (nowMs - counters.startedAtMs) / 60_000,
      of: (l) => l.runtimeMinutes,
      describe: (v, b, kind) =>
        `the run has been running for ${v.toFixed(1)} minutes; the ${kind} limit is ${b} minutes`,
    });
  }
  measures.push({
    limit: 'cost_usd',
    value: counters.costUsd,
    of: (l) => l.costUsd,
    describe: (v, b, kind) =>
      `the run has cost $${v.toFixed(2)}; the ${kind} limit is $${b.toFixed(2)}`,
  });
  return measures;
}

function trip(
  measure: Measure,
  bound: number,
  kind: 'soft' | 'hard',
  counters: BreakerCounters,
): BreakerVerdict {
  return {
    allowed: false,
    limit: measure.limit,
    soft: kind === 'soft',
    reason: `circuit breaker: ${measure.describe(measure.value, bound, kind)}`,
    counters,
  };
}
