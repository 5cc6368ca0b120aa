import { describeZodIssues } from '@postmagiq/contracts';
import { UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';

/** A job whose data does not fit its queue's schema: failed at once, never retried. */
export class InvalidJobDataError extends UnrecoverableError {}

/**
 * A worker's payload, parsed with its queue's schema (`withJobContext`'s `_ctx` set aside). The
 * one policy for a payload that does not fit: logged and failed for good (an UnrecoverableError:
 * no retry can fix it, and the failed job is kept for inspection), never completed as if it had
 * been handled. `what` names the payload in the failure (`invalid <what> payload: <problems>`).
 */
export function parseJobData<S extends z.ZodType>(
  job: Pick<Job, 'id' | 'queueName' | 'data'>,
  schema: S,
  what: string,
  logger: { error(message: string): void },
): z.infer<S> {
  const parsed = schema.safeParse(withoutContext(job.data));
  if (parsed.success) return parsed.data;
  const problems = describeZodIssues(parsed.error, '(payload)');
  logger.error(
    `job ${job.id} on ${job.queueName}: invalid payload, failed without retry (${problems})`,
  );
  throw new InvalidJobDataError(`invalid ${what} payload: ${problems}`);
}

function withoutContext(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const { _ctx: _context, ...payload } = data as Record<string, unknown>;
  return payload;
}
