import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What travels with a unit of work across HTTP, NATS (as headers) and BullMQ (in job data):
 * log lines carry it automatically.
 */
export interface RequestContextData {
  requestId: string;
  workspaceId?: string;
  userId?: string;
  runId?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run({ ...data }, fn);
  },
  get(): RequestContextData | undefined {
    return storage.getStore();
  },
  /** Adds fields to the current context (e.g. the workspace once the token is verified). */
  set(patch: Partial<RequestContextData>): void {
    const store = storage.getStore();
    if (!store) return;
    // the known fields one by one: stable object shapes, no generic Object.assign per request
    if ('requestId' in patch) store.requestId = patch.requestId as string;
    if ('workspaceId' in patch) store.workspaceId = patch.workspaceId;
    if ('userId' in patch) store.userId = patch.userId;
    if ('runId' in patch) store.runId = patch.runId;
  },
};

/** Header names used on HTTP and NATS. */
export const ContextHeaders = {
  requestId: 'x-request-id',
  workspaceId: 'x-workspace-id',
  userId: 'x-user-id',
  runId: 'x-run-id',
} as const;

export function contextToHeaders(
  ctx: RequestContextData | undefined = storage.getStore(),
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!ctx) return out;
  for (const [key, header] of Object.entries(ContextHeaders)) {
    const value = ctx[key as keyof RequestContextData];
    if (value) out[header] = value;
  }
  return out;
}

export function contextFromHeaders(
  get: (name: string) => string | undefined,
  fallbackRequestId: () => string,
): RequestContextData {
  const ctx: RequestContextData = {
    requestId: get(ContextHeaders.requestId) || fallbackRequestId(),
  };
  const workspaceId = get(ContextHeaders.workspaceId);
  const userId = get(ContextHeaders.userId);
  const runId = get(ContextHeaders.runId);
  if (workspaceId) ctx.workspaceId = workspaceId;
  if (userId) ctx.userId = userId;
  if (runId) ctx.runId = runId;
  return ctx;
}
