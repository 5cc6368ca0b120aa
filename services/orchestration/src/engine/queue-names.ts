import { AGENT_BACKENDS, AGENT_QUEUES } from '@postmagiq/contracts';

/**
 * Orchestration's own queue: one parent job per agent-calling state visit (a BullMQ flow whose
 * children are the agent calls on `agents.<backend>`). Never rename.
 */
export const STEPS_QUEUE = 'orchestration.steps';

/** The parent job of a state visit: deterministic like the calls, so a re-dispatch is a no-op. */
export function stepJobId(runId: string, seq: number): string {
  return `${runId}.${seq}.step`;
}

export const ALL_AGENT_QUEUES: readonly string[] = AGENT_BACKENDS.map((b) => AGENT_QUEUES[b]);

/** The job id at the end of a BullMQ job key (`<prefix>:<queue>:<jobId>`); ids never contain `:`. */
export function jobIdOfKey(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}
