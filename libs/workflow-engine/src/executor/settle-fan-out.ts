import { AgentResult } from '@postmagiq/contracts';
import { FanOutCompletion } from '../definition/workflow-definition';
import { fanOutStatus } from './fan-out-completion';

export interface FanOutSettlement {
  readonly status: 'satisfied' | 'unsatisfiable';
  /** Per agent in declaration order: its result if it finished before the decision. */
  readonly results: ReadonlyArray<AgentResult | undefined>;
  readonly succeeded: number;
  readonly failed: number;
}

/**
 * Resolves as soon as the completion rule is decided, one way or the other. Calls still running
 * then may finish, but nothing they return changes the decision. Rejects if a call rejects
 * before the decision (the caller only rejects on abort or infrastructure failure).
 */
export function settleFanOut(
  calls: ReadonlyArray<Promise<AgentResult>>,
  completion: FanOutCompletion,
): Promise<FanOutSettlement> {
  return new Promise((resolve, reject) => {
    const results: Array<AgentResult | undefined> = calls.map(() => undefined);
    let succeeded = 0;
    let failed = 0;
    let decided = false;
    calls.forEach((call, index) => {
      call.then(
        (result) => {
          if (decided) return;
          results[index] = result;
          if (result.error === null) succeeded += 1;
          else failed += 1;
          const status = fanOutStatus(completion, { succeeded, failed, total: calls.length });
          if (status === 'pending') return;
          decided = true;
          resolve({ status, results: [...results], succeeded, failed });
        },
        (error: unknown) => {
          if (decided) return;
          decided = true;
          reject(error);
        },
      );
    });
  });
}
