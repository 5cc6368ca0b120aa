import { BullModule } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { RequestContext, RequestContextData } from '../context/request-context';
import { redisConnectionOptions } from '../redis/redis';

/** BullMQ's shared connection, from REDIS_URL. Feature modules add `BullModule.registerQueue`. */
export function queueRootModule() {
  return BullModule.forRootAsync({
    inject: [PLATFORM_CONFIG],
    useFactory: (config: PlatformConfig) => ({
      connection: { ...redisConnectionOptions(config.REDIS_URL), maxRetriesPerRequest: null },
      prefix: 'pmq',
    }),
  });
}

/** Retry policy shared by every queue: bounded, exponential. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export type WithContext<T> = T & { _ctx?: RequestContextData };

/** Job data carrying the current request context, so the worker's logs continue the same trail. */
export function withJobContext<T extends object>(data: T): WithContext<T> {
  const ctx = RequestContext.get();
  return ctx ? { ...data, _ctx: { ...ctx } } : data;
}

/** Runs a worker's handling of `job` inside the context that enqueued it. */
export function runInJobContext<T>(job: Job<WithContext<object>>, fn: () => Promise<T>): Promise<T> {
  const ctx = job.data._ctx ?? { requestId: randomUUID() };
  return RequestContext.run({ ...ctx }, fn);
}
