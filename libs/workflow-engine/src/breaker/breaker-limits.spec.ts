import {
  DEFAULT_SOFT_LIMITS,
  findLimitViolations,
  HARD_LIMITS,
  resolveLimits,
} from './breaker-limits';

describe('breaker limits', () => {
  it('defaults to the documented soft limits under the documented hard ceiling', () => {
    expect(DEFAULT_SOFT_LIMITS).toEqual({
      stateVisits: 3,
      transitions: 20,
      runtimeMinutes: 30,
      costUsd: 5,
    });
    expect(HARD_LIMITS).toEqual({
      stateVisits: 6,
      transitions: 50,
      runtimeMinutes: 60,
      costUsd: 10,
    });
    expect(resolveLimits()).toEqual({ soft: DEFAULT_SOFT_LIMITS, hard: HARD_LIMITS });
  });

  it('lets overrides replace soft limits one by one', () => {
    expect(resolveLimits({ transitions: 40, costUsd: 2 }).soft).toEqual({
      stateVisits: 3,
      transitions: 40,
      runtimeMinutes: 30,
      costUsd: 2,
    });
  });

  it('finds every override above the ceiling and refuses to resolve them', () => {
    expect(findLimitViolations({ stateVisits: 7, costUsd: 10, runtimeMinutes: 90 })).toEqual([
      { limit: 'state_visits', value: 7, ceiling: 6 },
      { limit: 'runtime_minutes', value: 90, ceiling: 60 },
    ]);
    expect(() => resolveLimits({ costUsd: 11 })).toThrow(
      'cost_usd 11 exceeds the hard ceiling of 10',
    );
  });
});
