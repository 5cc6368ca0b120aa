import { BreakerCounters, initialCounters } from './breaker-counters';
import { resolveLimits } from './breaker-limits';
import { checkBreaker } from './check-breaker';

const limits = resolveLimits();

function counters(over: Partial<BreakerCounters>): BreakerCounters {
  return { ...initialCounters(0), ...over };
}

describe('checkBreaker', () => {
  it('allows counters within every soft limit', () => {
    expect(
      checkBreaker(counters({ transitions: 20, costUsd: 5, visits: { a: 3 } }), limits, {
        toState: 'a',
        nowMs: 30 * 60_000,
      }),
    ).toMatchObject({
      allowed: true,
    });
  });

  it('reports a hard trip before a soft one, whatever the order of the measures', () => {
    const verdict = checkBreaker(counters({ visits: { a: 4 }, costUsd: 10.5 }), limits, {
      toState: 'a',
    });
    expect(verdict).toMatchObject({ allowed: false, limit: 'cost_usd', soft: false });
  });

  it('ignores soft limits once the run is extended', () => {
    expect(
      checkBreaker(counters({ visits: { a: 6 }, transitions: 50, extended: true }), limits, {
        toState: 'a',
      }),
    ).toMatchObject({
      allowed: true,
    });
  });

  it('describes runtime and cost in the reason', () => {
    expect(checkBreaker(counters({}), limits, { nowMs: 61 * 60_000 })).toMatchObject({
      reason:
        'circuit breaker: the run has been running for 61.0 minutes; the hard limit is 60 minutes',
    });
    expect(checkBreaker(counters({ costUsd: 5.5 }), limits)).toMatchObject({
      reason: 'circuit breaker: the run has cost $5.50; the soft limit is $5.00',
    });
  });

  it('checks visits only of the state being entered', () => {
    expect(
      checkBreaker(counters({ visits: { other: 9 } }), limits, { toState: 'a' }),
    ).toMatchObject({ allowed: true });
  });
});
