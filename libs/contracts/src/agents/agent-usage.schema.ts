import { z } from 'zod';
import { AgentBackendSchema } from '../agent.schema';

/** JetStream subject of metered agent calls; published with `msgID = callId`, stream `USAGE`. */
export const AGENT_USAGE_SUBJECT = 'agents.usage.recorded';
export const USAGE_STREAM = 'USAGE';

/** One event per agent call, whatever happened to it: billing turns these into credits. */
export const AgentUsageEventSchema = z
  .object({
    callId: z.string().min(1),
    runId: z.string().min(1),
    workspaceId: z.string().min(1),
    state: z.string().min(1),
    agent: z.string().min(1),
    backend: AgentBackendSchema,
    model: z.string().min(1),
    tokensIn: z.number().int().nonnegative(),
    tokensOut: z.number().int().nonnegative(),
    cachedTokensIn: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
    durationMs: z.number().nonnegative(),
    simulated: z.boolean(),
    failed: z.boolean(),
    at: z.string().datetime(),
  })
  .strict();
export type AgentUsageEvent = z.infer<typeof AgentUsageEventSchema>;
