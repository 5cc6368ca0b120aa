import { z } from 'zod';
import { AgentBackendSchema } from './agent.schema';
import { AuditResultSchema } from './audit-result.schema';
import { LintFindingSchema } from './lint-finding.schema';
import { StoryEntrySchema } from './story-entry.schema';
import { VoiceProfileSchema } from './voice-profile.schema';

/** One agent of a workflow state, as the definition declares it (YAML `type` is `backend` here). */
export const AgentSpecSchema = z
  .object({
    name: z.string().min(1),
    backend: AgentBackendSchema,
    persona: z.string().min(1),
    model: z.string().min(1).optional(),
    /** orchestrator-task agents continue one conversation across visits of their state. */
    sessionPersist: z.boolean().default(false),
  })
  .strict();
export type AgentSpec = z.infer<typeof AgentSpecSchema>;

/** What a run is about: the story to tell and the voice to tell it in. */
export const RunInputSchema = z
  .object({
    story: StoryEntrySchema,
    voice: VoiceProfileSchema,
  })
  .strict();
export type RunInput = z.infer<typeof RunInputSchema>;

/**
 * Everything one agent call needs, and nothing else: the in-process executor hands it to an
 * invoker, the orchestration service puts it on the backend's BullMQ queue as the job payload.
 */
export const AgentTaskSchema = z
  .object({
    runId: z.string().min(1),
    state: z.string().min(1),
    stateType: z.enum(['fan-out', 'single', 'orchestrator-task']),
    visit: z.number().int().positive(),
    agent: AgentSpecSchema,
    input: RunInputSchema,
    /** The latest drafts of the run (empty before the first writer state). */
    drafts: z.array(z.string()),
    /** Quality-gate findings per draft, same order as `drafts` (empty when no gate ran). */
    findings: z.array(z.array(LintFindingSchema)),
    /** The latest audit of the run, if any. */
    audit: AuditResultSchema.nullable(),
    /** A human reviewer's feedback after a rejection, if any. */
    feedback: z.string().nullable(),
    /** Key of the persistent conversation for orchestrator-task agents (`runId:state:agent`). */
    sessionKey: z.string().nullable(),
  })
  .strict();
export type AgentTask = z.infer<typeof AgentTaskSchema>;
