import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProblemDetails, ProblemTypes } from '../errors/problem';

/** How long a refused upgrade's socket may take to flush its answer before it is destroyed. */
const FLUSH_DEADLINE_MS = 2_000;

/**
 * Answers an HTTP upgrade request that will not be upgraded, as problem+json with
 * `Connection: close`, then destroys the socket. After Node hands a request to the server's
 * 'upgrade' listeners, nothing else ever answers or closes that socket: every refusal goes
 * through here.
 */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  detail: string,
  instance?: string,
): void {
  if (socket.destroyed) return;
  const problem: ProblemDetails = {
    type:
      status === 404
        ? ProblemTypes.notFound
        : status === 400
          ? ProblemTypes.validation
          : ProblemTypes.http,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance ? { instance } : {}),
  };
  const body = JSON.stringify(problem);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
  ];
  // a client that does not read must not hold the socket open either
  const deadline = setTimeout(() => socket.destroy(), FLUSH_DEADLINE_MS);
  deadline.unref();
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => {
    clearTimeout(deadline);
    socket.destroy();
  });
}
