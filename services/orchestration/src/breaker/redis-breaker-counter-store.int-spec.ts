import { startRedis, Managed } from '@postmagiq/platform/testing';
import {
  BREAKER_STORE_SCENARIOS,
  playBreakerScenario,
  resolveLimits,
} from '@postmagiq/workflow-engine';
import { Redis } from 'ioredis';
import { RedisBreakerCounterStore } from './redis-breaker-counter-store';

describe('RedisBreakerCounterStore (real Redis)', () => {
  let redis: Managed;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    a = new Redis(redis.url);
    b = new Redis(redis.url);
  });

  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await redis?.stop();
  });

  describe.each(BREAKER_STORE_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    'conformance: %s',
    (_name, scenario) => {
      it('answers every step like the in-memory store', async () => {
        const { expected, actual } = await playBreakerScenario(
          new RedisBreakerCounterStore(a),
          scenario,
        );
        expect(actual).toEqual(expected);
      });
    },
  );

  it('lets exactly the limit through when two replicas race on one run', async () => {
    const storeA = new RedisBreakerCounterStore(a);
    const storeB = new RedisBreakerCounterStore(b);
    const limits = resolveLimits({ transitions: 10 });
    await storeA.start('race', Date.now());
    const attempts = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? storeA : storeB).tryTransition('race', {
        toState: `s${i}`,
        nowMs: Date.now(),
        limits,
      }),
    );
    const verdicts = await Promise.all(attempts);
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
    expect(
      verdicts
        .filter((v) => !v.allowed)
        .every((v) => !v.allowed && v.limit === 'transitions' && v.soft),
    ).toBe(true);
    expect((await storeB.counters('race'))?.transitions).toBe(10);
    // only one of two racing extensions wins
    const extended = await Promise.all([storeA.extend('race'), storeB.extend('race')]);
    expect(extended.filter(Boolean)).toHaveLength(1);
  });

  it('applies a keyed transition and a keyed cost once, however often the step is retried', async () => {
    const store = new RedisBreakerCounterStore(a);
    const limits = resolveLimits({ stateVisits: 2 });
    await store.start('retry', 0);
    for (let i = 0; i < 3; i += 1) {
      expect(
        await store.tryTransitionOnce('retry', { toState: 'audit', nowMs: 0, limits }, 't1'),
      ).toMatchObject({ allowed: true });
      expect(await store.recordCostOnce('retry', 0.25, limits, 'call-1')).toMatchObject({
        allowed: true,
      });
    }
    expect(await store.counters('retry')).toEqual({
      startedAtMs: 0,
      transitions: 1,
      visits: { audit: 1 },
      costUsd: 0.25,
      extended: false,
    });
    await store.tryTransitionOnce('retry', { toState: 'audit', nowMs: 0, limits }, 't2');
    const denied = await store.tryTransitionOnce(
      'retry',
      { toState: 'audit', nowMs: 0, limits },
      't3',
    );
    expect(denied).toMatchObject({ allowed: false, limit: 'state_visits', soft: true });
    expect(denied.allowed ? '' : denied.reason).toBe(
      "circuit breaker: state 'audit' would be visited 3 times; the soft limit is 2 visits per state",
    );
    // a denied attempt leaves no marker: after the extension the same key is decided afresh
    expect(await store.extend('retry')).toBe(true);
    expect(
      await store.tryTransitionOnce('retry', { toState: 'audit', nowMs: 0, limits }, 't3'),
    ).toMatchObject({ allowed: true });
  });

  it('grants a keyed extension again to the same key (a step retried before its commit), never to another', async () => {
    const store = new RedisBreakerCounterStore(a);
    await store.start('extend-retry', 0);
    expect(await store.extendOnce('extend-retry', 'x1')).toBe(true);
    expect(await store.extendOnce('extend-retry', 'x1')).toBe(true);
    expect(await store.extendOnce('extend-retry', 'x2')).toBe(false);
    expect(await store.extend('extend-retry')).toBe(false);
    expect((await store.counters('extend-retry'))?.extended).toBe(true);
  });

  it('refuses to count a run that was never started, and sets an expiry', async () => {
    const store = new RedisBreakerCounterStore(a, { ttlMs: 60_000 });
    await expect(store.recordCost('ghost', 1, resolveLimits())).rejects.toThrow(
      "circuit breaker: run 'ghost' was never started",
    );
    await expect(store.extend('ghost')).rejects.toThrow('never started');
    expect(await store.counters('ghost')).toBeNull();
    await store.start('ttl', 0);
    const ttl = await a.pttl(store.key('ttl'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
