import { z } from 'zod';

/**
 * Core-NATS subject on which agent workers publish streamed tokens of a run's calls. Tokens are
 * live-only: they do not take a `seq` of the run's durable event log (a reconnecting client gets
 * the finished call's usage and output from the log instead), so workers need no sequencer.
 */
export function agentTokensSubject(runId: string): string {
  return `agents.tokens.${runId}`;
}

export const AgentTokenChunkSchema = z
  .object({
    callId: z.string().min(1),
    runId: z.string().min(1),
    state: z.string().min(1),
    agent: z.string().min(1),
    /**
     * 0-based position of this chunk within its call, so a client can order and de-duplicate;
     * it keeps counting across attempts.
     */
    index: z.number().int().nonnegative(),
    text: z.string(),
    /**
     * The vendor attempt the text belongs to, present from the second attempt on (absent means
     * 1, so first-attempt chunks are as before). A transient failure mid-stream is retried from
     * the start: when a call's attempt number rises, a client discards the text it holds of that
     * call's earlier attempts and shows the new attempt's text instead. The finished call's
     * output is the last attempt's text.
     */
    attempt: z.number().int().min(1).optional(),
  })
  .strict();
export type AgentTokenChunk = z.infer<typeof AgentTokenChunkSchema>;
