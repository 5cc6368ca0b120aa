import { z } from 'zod';
import { AgentBackendSchema } from './agent.schema';
import { LintFindingSchema } from './lint-finding.schema';

/**
 * Events a workflow run emits, in order. `seq` is contiguous per run from 1, so a consumer that
 * remembers the last seq it saw can resume a stream with no gap and no duplicate.
 */
const base = {
  runId: z.string().min(1),
  seq: z.number().int().positive(),
  at: z.string().datetime(),
};

export const RunStatusSchema = z.enum([
  'running',
  'awaiting_approval',
  /** Paused at a state boundary: its credit ran out; continues by itself after a top-up. */
  'awaiting_credit',
  'completed',
  'halted',
  'failed',
  'cancelled',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const BreakerLimitSchema = z.enum([
  'state_visits',
  'transitions',
  'runtime_minutes',
  'cost_usd',
]);
export type BreakerLimit = z.infer<typeof BreakerLimitSchema>;

export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('run.started'),
    workflow: z.string(),
    initialState: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('state.entered'),
    state: z.string(),
    stateType: z.string(),
    visit: z.number().int().positive(),
  }),
  z.object({
    ...base,
    type: z.literal('agent.started'),
    state: z.string(),
    agent: z.string(),
    backend: AgentBackendSchema,
    model: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('agent.token'),
    state: z.string(),
    agent: z.string(),
    text: z.string(),
    /** Set from the second attempt of a stream the backend retried: earlier text of the call is void. */
    attempt: z.number().int().min(2).optional(),
  }),
  z.object({
    ...base,
    type: z.literal('agent.finished'),
    state: z.string(),
    agent: z.string(),
    backend: AgentBackendSchema,
    model: z.string(),
    tokensIn: z.number().int().nonnegative(),
    tokensOut: z.number().int().nonnegative(),
    cachedTokensIn: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
    durationMs: z.number().nonnegative(),
    simulated: z.boolean(),
    error: z.string().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal('gate.findings'),
    state: z.string(),
    gate: z.string(),
    /** Which draft the findings are about (index into the drafts the state received). */
    draft: z.number().int().nonnegative(),
    findings: z.array(LintFindingSchema),
  }),
  z.object({
    ...base,
    type: z.literal('transition'),
    from: z.string(),
    to: z.string(),
    condition: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('breaker.tripped'),
    state: z.string(),
    limit: BreakerLimitSchema,
    soft: z.boolean(),
    reason: z.string(),
  }),
  z.object({ ...base, type: z.literal('approval.requested'), state: z.string(), post: z.string() }),
  z.object({
    ...base,
    type: z.literal('run.finished'),
    status: RunStatusSchema,
    finalState: z.string(),
    reason: z.string().nullable(),
    finalPost: z.string().nullable(),
  }),
]);

export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
/** An event before the emitter has stamped it with its run id, sequence number and time. */
export type RunEventBody<T extends RunEventType = RunEventType> = T extends RunEventType
  ? Omit<Extract<RunEvent, { type: T }>, 'runId' | 'seq' | 'at'>
  : never;
