import {
  RUN_STREAM_BEARER_PREFIX,
  RUN_STREAM_PROTOCOL,
  RunEvent,
  RunStreamServerMessage,
} from '@postmagiq/contracts';
import WebSocket from 'ws';
import { waitFor } from '@postmagiq/platform/testing';

/** A run stream client for tests: collects every server message in order. */
export interface StreamClient {
  messages: RunStreamServerMessage[];
  events(): RunEvent[];
  closed: Promise<{ code: number; reason: string }>;
  waitForEvent(predicate: (e: RunEvent) => boolean, timeoutMs?: number): Promise<RunEvent>;
  close(): Promise<void>;
}

/**
 * Opens `/api/workflows/runs/:id/stream`. `auth: 'protocol'` offers the token as a subprotocol,
 * `'message'` sends it as the first message.
 */
export async function openStream(
  baseUrl: string,
  runId: string,
  token: string,
  after = 0,
  auth: 'protocol' | 'message' = 'protocol',
): Promise<StreamClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/workflows/runs/${runId}/stream${auth === 'protocol' ? `?after=${after}` : ''}`;
  const ws = new WebSocket(
    url,
    auth === 'protocol'
      ? [RUN_STREAM_PROTOCOL, `${RUN_STREAM_BEARER_PREFIX}${token}`]
      : [RUN_STREAM_PROTOCOL],
  );
  const messages: RunStreamServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as RunStreamServerMessage));
  const closed = new Promise<{ code: number; reason: string }>((ok) =>
    ws.once('close', (code, reason) => ok({ code, reason: String(reason) })),
  );
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
  });
  if (auth === 'message') ws.send(JSON.stringify({ type: 'auth', token, after }));
  const events = () => messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
  return {
    messages,
    events,
    closed,
    waitForEvent: (predicate, timeoutMs = 30_000) =>
      waitFor(() => events().find(predicate), timeoutMs, 'a stream event'),
    async close() {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      await closed;
    },
  };
}
