import { z } from 'zod';
import { AGENT_BACKENDS, AgentResultSchema, type AgentBackend } from '../agent.schema';
import { AgentTaskSchema } from '../agent-task.schema';

/** One BullMQ queue per backend, each consumed by its own agent-worker pool. Never rename. */
export const AGENT_QUEUES: Readonly<Record<AgentBackend, string>> = Object.fromEntries(
  AGENT_BACKENDS.map((backend) => [backend, `agents.${backend}`]),
) as Record<AgentBackend, string>;

/**
 * The one place that decides an agent call's id: the run, the transition sequence number that
 * entered the state, and the agent. A redelivered or re-enqueued call has the same id, so BullMQ
 * refuses the duplicate and usage is recorded once. (BullMQ forbids `:` in custom ids.)
 */
export function agentCallId(runId: string, seq: number, agent: string): string {
  return `${runId}.${seq}.${agent}`;
}

/** Job payload on `agents.<backend>`. */
export const AgentJobSchema = z
  .object({
    callId: z.string().min(1),
    workspaceId: z.string().min(1),
    task: AgentTaskSchema,
    /** The workspace's persona templates that replace `prompts/*.md` for this run. */
    personaOverrides: z.record(z.string(), z.string()).default({}),
    /** Carried into the worker's logs. */
    requestId: z.string().optional(),
  })
  .strict();
export type AgentJob = z.infer<typeof AgentJobSchema>;

/** What a worker returns as the job's result: the adapter's result plus the prompt's hash. */
export const AgentJobResultSchema = AgentResultSchema.extend({
  callId: z.string().min(1),
  promptHash: z.string().min(1),
}).strict();
export type AgentJobResult = z.infer<typeof AgentJobResultSchema>;
