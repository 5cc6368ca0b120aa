import { z } from 'zod';
import { AgentBackendSchema } from '../agent.schema';
import { RunEventSchema, RunStatusSchema } from '../run-event.schema';
import { INT4_MAX } from '../db-limits';
import { InstantSchema } from '../instant.schema';

/**
 * `POST /api/workflows/runs`. `backends` picks a backend per agent name or per persona (role),
 * e.g. `{ "writer": "openai", "auditor": "claude" }`; an agent name wins over its persona.
 */
export const StartRunRequestSchema = z.strictObject({
  workflow: z.string().min(1).max(100),
  storyEntryId: z.string().uuid(),
  voiceProfileId: z.string().uuid().optional(),
  backends: z.record(z.string().min(1), AgentBackendSchema).optional(),
});
export type StartRunRequest = z.infer<typeof StartRunRequestSchema>;

export const ListRunsQuerySchema = z.strictObject({
  status: RunStatusSchema.optional(),
  workflow: z.string().min(1).max(100).optional(),
  storyEntryId: z.string().uuid().optional(),
  /** Runs created at or after this instant (ISO 8601). */
  from: InstantSchema.optional(),
  /** Runs created before this instant (ISO 8601). */
  to: InstantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuerySchema>;

export const RejectRunRequestSchema = z.strictObject({
  feedback: z.string().trim().min(1, { message: 'say what to change' }).max(5_000),
});
export type RejectRunRequest = z.infer<typeof RejectRunRequestSchema>;

export const EditRunRequestSchema = z.strictObject({
  text: z.string().trim().min(1, { message: 'the edited post must not be empty' }).max(10_000),
});
export type EditRunRequest = z.infer<typeof EditRunRequestSchema>;

export const CancelRunRequestSchema = z.strictObject({
  reason: z.string().trim().max(500).optional(),
});
export type CancelRunRequest = z.infer<typeof CancelRunRequestSchema>;

export const RunUsageTotalsSchema = z.object({
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
  cachedTokensIn: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type RunUsageTotals = z.infer<typeof RunUsageTotalsSchema>;

export const RunSummarySchema = z.object({
  id: z.string().uuid(),
  workspaceId: z.string().uuid(),
  storyEntryId: z.string().uuid(),
  workflow: z.string(),
  status: RunStatusSchema,
  currentState: z.string(),
  /** True while the run waits at a human-approval state. */
  awaitingApproval: z.boolean(),
  reason: z.string().nullable(),
  /** A halt by a soft breaker limit that `POST …/extend` can lift (once per run). */
  extendable: z.boolean(),
  /** A failed run that `POST …/resume` can continue from the state it failed in. */
  resumable: z.boolean(),
  usage: RunUsageTotalsSchema,
  startedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const RunListSchema = z.object({
  items: z.array(RunSummarySchema),
  total: z.number().int().nonnegative(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type RunList = z.infer<typeof RunListSchema>;

/** One row of the run's transition log: entering a state (seq 0 enters the initial state). */
export const StateVisitSchema = z.object({
  seq: z.number().int().nonnegative(),
  state: z.string(),
  stateType: z.string(),
  visit: z.number().int().positive(),
  from: z.string().nullable(),
  condition: z.string().nullable(),
  at: z.string(),
});
export type StateVisit = z.infer<typeof StateVisitSchema>;

export const AgentCallStatusSchema = z.enum(['queued', 'succeeded', 'failed']);

export const AgentCallViewSchema = z.object({
  callId: z.string(),
  seq: z.number().int().nonnegative(),
  state: z.string(),
  visit: z.number().int().positive(),
  agent: z.string(),
  persona: z.string(),
  /** The backend the workflow asked for; `backend` is the one that ran (simulated when no key). */
  requestedBackend: AgentBackendSchema,
  backend: AgentBackendSchema,
  model: z.string().nullable(),
  status: AgentCallStatusSchema,
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
  cachedTokensIn: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  durationMs: z.number().nonnegative().nullable(),
  simulated: z.boolean().nullable(),
  output: z.string().nullable(),
  error: z.string().nullable(),
  /** Hash of the exact prompt the worker sent (from the worker's result). */
  promptHash: z.string().nullable(),
  queuedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type AgentCallView = z.infer<typeof AgentCallViewSchema>;

export const BreakerViewSchema = z.object({
  transitions: z.number().int().nonnegative(),
  visits: z.record(z.string(), z.number().int().nonnegative()),
  costUsd: z.number().nonnegative(),
  elapsedMinutes: z.number().nonnegative(),
  extended: z.boolean(),
  limits: z.object({
    soft: z.object({
      stateVisits: z.number(),
      transitions: z.number(),
      runtimeMinutes: z.number(),
      costUsd: z.number(),
    }),
    hard: z.object({
      stateVisits: z.number(),
      transitions: z.number(),
      runtimeMinutes: z.number(),
      costUsd: z.number(),
    }),
  }),
});
export type BreakerView = z.infer<typeof BreakerViewSchema>;

export const RunDetailSchema = RunSummarySchema.extend({
  visits: z.array(StateVisitSchema),
  agentCalls: z.array(AgentCallViewSchema),
  /** From Redis while the counters live there, else rebuilt from the run's rows. */
  breaker: BreakerViewSchema,
  /** The finished post (completed runs), else the current candidate post, if any. */
  finalPost: z.string().nullable(),
  candidatePost: z.string().nullable(),
  /** The post waiting for a decision when the run is awaiting approval. */
  approval: z.object({ state: z.string(), post: z.string() }).nullable(),
  /** The seq of the run's latest durable event (replay with `?after=`). */
  lastEventSeq: z.number().int().nonnegative(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const RunEventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type RunEventsQuery = z.infer<typeof RunEventsQuerySchema>;

export const RunEventPageSchema = z.object({
  events: z.array(RunEventSchema),
  lastSeq: z.number().int().nonnegative(),
});
export type RunEventPage = z.infer<typeof RunEventPageSchema>;
