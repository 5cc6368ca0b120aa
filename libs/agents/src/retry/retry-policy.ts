/** Our one retry policy; every SDK's built-in retries are switched off so they never stack. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Backoff before retry n is drawn from [d/2, d] with d = min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A vendor asking us to wait longer than this fails the call now; the step can be retried later. */
  maxRetryAfterMs: number;
  /** An attempt that receives nothing (no byte of header or stream) for this long is a timeout. */
  idleTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  idleTimeoutMs: 90_000,
});

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'idleTimeoutMs'] as const) {
    if (!(policy[key] >= 0)) throw new RangeError(`retry ${key} must be ≥ 0, got ${policy[key]}`);
  }
  return policy;
}

/**
 * How long to wait before attempt `retry + 1` (retry counts from 1). Equal jitter keeps a floor
 * under the wait while still spreading a herd of workers that failed together; a vendor's
 * Retry-After is a minimum, never shortened by jitter.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
