import { AgentResult, AgentTask, LintFinding, RunInput } from '@postmagiq/contracts';
import { z } from 'zod';

/**
 * Runs one agent call. The in-process driver calls a backend adapter directly; the orchestration
 * service will put the task on the backend's queue instead. `signal` aborts with the run.
 */
export type AgentInvoker = (
  task: AgentTask,
  /** `attempt` (1-based) rises when the backend starts a broken stream over. */
  onToken: (text: string, attempt?: number) => void,
  signal?: AbortSignal,
) => Promise<AgentResult>;

export interface ApprovalRequest {
  readonly runId: string;
  readonly state: string;
  /** The post the reviewer is asked to approve. */
  readonly post: string;
}

/** A reviewer's answer; validated at the edge because it comes from a person, via an API or a terminal. */
export const ApprovalResponseSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve') }).strict(),
  z.object({ decision: z.literal('reject'), feedback: z.string() }).strict(),
  z
    .object({
      decision: z.literal('edit'),
      text: z.string().trim().min(1, 'the edited post must not be empty'),
    })
    .strict(),
]);
export type ApprovalResponse = z.infer<typeof ApprovalResponseSchema>;

/** Waits for a human decision about a post. */
export type ApprovalGate = (request: ApprovalRequest) => Promise<ApprovalResponse>;

/** A deterministic check of one draft (the post lint), run before a state's agent. */
export type QualityGate = (text: string, input: RunInput) => LintFinding[];
