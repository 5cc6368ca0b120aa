import { backoffDelayMs, DEFAULT_RETRY_POLICY, retryPolicy } from './retry-policy';

describe('retry policy', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000 });

  it('grows exponentially within the jitter band and caps at maxDelayMs', () => {
    expect(backoffDelayMs(1, policy, null, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, null, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, null, () => 1)).toBe(400);
    expect(backoffDelayMs(10, policy, null, () => 1)).toBe(1_000);
    expect(backoffDelayMs(10, policy, null, () => 0)).toBe(500);
  });

  it('never waits less than the vendor asked', () => {
    expect(backoffDelayMs(1, policy, 2_500, () => 1)).toBe(2_500);
    expect(backoffDelayMs(1, policy, 10, () => 1)).toBe(100);
  });

  it('rejects nonsense settings', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
    expect(retryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
  });
});
