import { z } from 'zod';

export const AGENT_BACKENDS = ['claude', 'gemini', 'openai', 'ollama', 'simulated'] as const;
export const AgentBackendSchema = z.enum(AGENT_BACKENDS);
export type AgentBackend = z.infer<typeof AgentBackendSchema>;

/** Token and money accounting of one agent call. `cachedTokensIn` is part of `tokensIn`. */
export const AgentUsageSchema = z
  .object({
    tokensIn: z.number().int().nonnegative(),
    tokensOut: z.number().int().nonnegative(),
    cachedTokensIn: z.number().int().nonnegative().default(0),
    costUsd: z.number().nonnegative(),
  })
  .strict();
export type AgentUsage = z.infer<typeof AgentUsageSchema>;

/** The one result shape every backend adapter returns. */
export const AgentResultSchema = AgentUsageSchema.extend({
  backend: AgentBackendSchema,
  model: z.string().min(1),
  content: z.string(),
  durationMs: z.number().nonnegative(),
  sessionId: z.string().nullable(),
  /** The vendor's message when the call failed for good; null on success. */
  error: z.string().nullable(),
  /** True for every result of the offline simulated backend, so nobody mistakes it for a model. */
  simulated: z.boolean(),
}).strict();
export type AgentResult = z.infer<typeof AgentResultSchema>;

/** The result of a call that produced nothing (no tokens, no cost), with the reason in `error`. */
export function failedAgentResult(
  backend: AgentBackend,
  model: string,
  error: string,
): AgentResult {
  return {
    backend,
    model,
    content: '',
    tokensIn: 0,
    tokensOut: 0,
    cachedTokensIn: 0,
    costUsd: 0,
    durationMs: 0,
    sessionId: null,
    error,
    simulated: backend === 'simulated',
  };
}
