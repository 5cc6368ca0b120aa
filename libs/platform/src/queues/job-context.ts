import { randomUUID } from 'node:crypto';
import { RequestContext, RequestContextData } from '../context/request-context';

/** Job data with the request context of whoever enqueued it, under `_ctx`. */
export type WithContext<T> = T & { _ctx?: RequestContextData };

/** Job data carrying the current request context, so the worker's logs continue the same trail. */
export function withJobContext<T extends object>(data: T): WithContext<T> {
  const ctx = RequestContext.get();
  return ctx ? { ...data, _ctx: { ...ctx } } : data;
}

/**
 * Runs a worker's handling of `job` inside the context that enqueued it (its request id crosses
 * the queue), with what the worker knows better (`known`: the run or workspace the payload
 * names) on top. A job enqueued outside any request gets a fresh request id.
 */
export function runInJobContext<T>(
  job: { readonly data: unknown },
  fn: () => Promise<T>,
  known: Partial<RequestContextData> = {},
): Promise<T> {
  const enqueued = isObject(job.data) ? job.data._ctx : undefined;
  const ctx: RequestContextData = { requestId: randomUUID(), ...enqueued };
  for (const [key, value] of Object.entries(known) as [keyof RequestContextData, string][])
    if (value !== undefined) ctx[key] = value;
  return RequestContext.run(ctx, fn);
}

function isObject(
  value: unknown,
): value is Record<string, unknown> & { _ctx?: RequestContextData } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
