import type { Server } from 'node:http';
import { connect } from 'node:net';

export type UpgradeKind = 'websocket' | 'h2c';

export interface UpgradeAnswer {
  /** The answer's status code, or null when the server closed without one (or never answered). */
  status: number | null;
  /** The answer's raw bytes. */
  text: string;
  /** Whether the server closed the connection within the wait. */
  closedByServer: boolean;
}

/**
 * Sends one raw `Connection: Upgrade` request, as a scanner would, and reports what came back
 * within `waitMs`: the status line and whether the server closed the socket. The client never
 * closes first, so a server that leaves the socket open shows as `closedByServer: false`.
 */
export function probeUpgrade(
  baseUrl: string,
  path: string,
  kind: UpgradeKind = 'websocket',
  waitMs = 3_000,
): Promise<UpgradeAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const headers =
    kind === 'websocket'
      ? [
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        ]
      : [
          'Connection: Upgrade, HTTP2-Settings',
          'Upgrade: h2c',
          'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
        ];
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const done = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text, closedByServer });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => done(true));
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
    socket.write(
      [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, ...headers, '', ''].join('\r\n'),
    );
  });
}

/**
 * Sends a raw upgrade request and goes away at once (a scanner that does not wait for answers).
 * Resolves when the request is written and the client socket destroyed.
 */
export function upgradeAndLeave(
  baseUrl: string,
  path: string,
  kind: UpgradeKind = 'websocket',
): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  const upgrade =
    kind === 'websocket'
      ? 'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
      : 'Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA';
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: Upgrade\r\n${upgrade}\r\n\r\n`,
        () => {
          socket.destroy();
          resolve();
        },
      );
    });
    socket.on('error', () => resolve());
  });
}

/** The HTTP server's open connections (upgraded or not). */
export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
  );
}

/** Polls `openConnections` until it is at most `max`, or returns the last count after `timeoutMs`. */
export async function settledConnections(
  server: Server,
  max = 0,
  timeoutMs = 5_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await openConnections(server);
    if (n <= max || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}
