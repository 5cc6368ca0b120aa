import type { JobsOptions } from 'bullmq';

/**
 * The retry policy of every queue: bounded, exponential; finished jobs kept an hour, failed ones
 * a week for inspection. A job's id comes from what makes its work unique, so a repeated add is
 * a no-op while the job is kept.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

/** The default policy with what one queue needs otherwise (more attempts, a longer keep). */
export function jobOptions(overrides: JobsOptions): JobsOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...overrides };
}
