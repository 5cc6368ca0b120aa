import { resolveLimits } from './breaker-limits';
import { BREAKER_STORE_SCENARIOS, playBreakerScenario } from './breaker-store-scenarios';
import { InMemoryBreakerCounterStore } from './in-memory-breaker-counter-store';

describe('InMemoryBreakerCounterStore', () => {
  describe.each(BREAKER_STORE_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    'conformance: %s',
    (_name, scenario) => {
      it('answers every step as expected', async () => {
        const { expected, actual } = await playBreakerScenario(
          new InMemoryBreakerCounterStore(),
          scenario,
        );
        expect(actual).toEqual(expected);
      });
    },
  );

  it('keeps the counters of a run when it is started again (at-least-once delivery)', async () => {
    const store = new InMemoryBreakerCounterStore();
    const limits = resolveLimits();
    await store.start('r1', 0);
    await store.tryTransition('r1', { toState: 'a', nowMs: 10, limits });
    await store.start('r1', 5_000);
    expect(await store.counters('r1')).toEqual({
      startedAtMs: 0,
      transitions: 1,
      visits: { a: 1 },
      costUsd: 0,
      extended: false,
    });
  });

  it('keeps runs apart', async () => {
    const store = new InMemoryBreakerCounterStore();
    const limits = resolveLimits();
    await store.start('r1', 0);
    await store.start('r2', 0);
    await store.recordCost('r1', 6, limits);
    expect(await store.tryTransition('r2', { toState: 'a', nowMs: 0, limits })).toMatchObject({
      allowed: true,
    });
    expect(await store.counters('missing')).toBeNull();
  });

  it('refuses to count a run that was never started', async () => {
    const store = new InMemoryBreakerCounterStore();
    await expect(store.recordCost('ghost', 1, resolveLimits())).rejects.toThrow(
      "circuit breaker: run 'ghost' was never started",
    );
  });

  it('explains a trip in its reason', async () => {
    const store = new InMemoryBreakerCounterStore();
    const limits = resolveLimits();
    await store.start('r1', 0);
    for (let i = 0; i < 3; i += 1)
      await store.tryTransition('r1', { toState: 'audit', nowMs: 0, limits });
    expect(await store.tryTransition('r1', { toState: 'audit', nowMs: 0, limits })).toMatchObject({
      allowed: false,
      reason:
        "circuit breaker: state 'audit' would be visited 4 times; the soft limit is 3 visits per state",
    });
  });
});
