import { RunStatus } from '@postmagiq/contracts';
import { TerminalState } from '../definition/workflow-definition';
import { RunContext } from './run-context';

/** How a run ends, before the driver adds what it accumulated (usage, visited states…). */
export interface RunEnding {
  readonly status: Exclude<RunStatus, 'running' | 'awaiting_approval' | 'awaiting_credit'>;
  readonly reason: string | null;
}

/** A terminal state ends the run with its outcome; a halting one says why, from the latest audit. */
export function terminalEnding(state: TerminalState, context: RunContext): RunEnding {
  if (state.outcome === 'completed') return { status: 'completed', reason: null };
  const feedback = context.audit?.feedback.trim();
  return {
    status: 'halted',
    reason: feedback ? feedback : `reached the halting state '${state.name}'`,
  };
}

export function failedEnding(reason: string): RunEnding {
  return { status: 'failed', reason };
}
