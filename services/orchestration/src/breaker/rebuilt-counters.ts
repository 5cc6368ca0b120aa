import { BreakerCounters } from '@postmagiq/workflow-engine';
import type { RunEntity } from '../entities';

/**
 * The breaker's counters as the database knows them, for a run whose Redis hash expired (a week
 * after its last breaker operation): the step restores them into Redis before it counts on, and
 * the run detail shows them. Transitions and visits come from the run's context (the initial
 * state's entry is seq 0, which the breaker never counts), cost from the recorded calls' total,
 * and whether the one extension was used from the row, so an old run is not extended twice.
 */
export function rebuiltCounters(
  run: Pick<RunEntity, 'definition' | 'context' | 'startedAt' | 'costUsd' | 'breakerExtended'>,
): BreakerCounters {
  const visits = { ...run.context.visits };
  delete visits[run.definition.initialState];
  return {
    startedAtMs: run.startedAt.getTime(),
    transitions: run.context.transitions,
    visits,
    costUsd: run.costUsd,
    extended: run.breakerExtended,
  };
}
