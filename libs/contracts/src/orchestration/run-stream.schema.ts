import { z } from 'zod';
import { AgentTokenChunkSchema } from '../agents/agent-token.schema';
import { RunEventSchema, RunStatusSchema } from '../run-event.schema';
import { INT4_MAX } from '../db-limits';

/**
 * The live stream of one run over WebSocket, at `/api/workflows/runs/:id/stream`.
 *
 * The access token never goes in the URL: the client either offers it as a subprotocol
 * (`Sec-WebSocket-Protocol: postmagiq.v1, bearer.<token>`) or sends `auth` as its first message
 * within 10 s. It names the last event seq it has seen (`after`, 0 for everything): the server
 * replays the durable events after it, then streams new ones, in seq order with no gap and no
 * duplicate, whichever replica it reaches. Agent tokens are live-only and carry no seq.
 */
export const RUN_STREAM_PROTOCOL = 'postmagiq.v1';
export const RUN_STREAM_BEARER_PREFIX = 'bearer.';

export const RunStreamClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('auth'),
    token: z.string().min(1),
    after: z.number().int().min(0).max(INT4_MAX).default(0),
  }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type RunStreamClientMessage = z.infer<typeof RunStreamClientMessageSchema>;

/** WebSocket close codes: 4400 bad message, 4401 not authenticated, 4403 forbidden, 4404 unknown run. */
export const RunStreamCloseCodes = {
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
} as const;

export const RunStreamServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    runId: z.string(),
    status: RunStatusSchema,
    lastSeq: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('event'), event: RunEventSchema }),
  z.object({ type: z.literal('agent.token'), chunk: AgentTokenChunkSchema }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), status: z.number().int(), detail: z.string() }),
]);
export type RunStreamServerMessage = z.infer<typeof RunStreamServerMessageSchema>;
