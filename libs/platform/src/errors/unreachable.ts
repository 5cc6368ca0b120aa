/**
 * Whether an error says a backing service (Postgres, Redis, NATS) could not be reached or dropped
 * the connection — while it restarts, say — rather than that the request or the code is wrong.
 * Such a request is answered 503 with Retry-After (the client may try again), not 500.
 */
/**
 * Thrown where a client learns that what it needs is away: NATS request/reply while NATS
 * reconnects, or a service answering that its own backing service is away.
 */
export class BackingServiceUnreachableError extends Error {
  override readonly name = 'BackingServiceUnreachableError';
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
// pg's messages when the server goes away mid-connection; ioredis's when its connection is down
const MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^Connection is closed\.?$/,
  /^timeout exceeded when trying to connect$/,
];

interface Failure {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  /** TypeORM's QueryFailedError wraps the driver's error */
  driverError?: unknown;
}

export function isBackingServiceUnreachable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  if (error instanceof BackingServiceUnreachableError) return true;
  const e = error as Failure;
  if (typeof e.code === 'string' && SOCKET_CODES.has(e.code)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string)))
    return true;
  return (
    isBackingServiceUnreachable(e.driverError, depth + 1) ||
    isBackingServiceUnreachable(e.cause, depth + 1)
  );
}
