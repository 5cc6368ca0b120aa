import { FanOutCompletion } from '../definition/workflow-definition';

export interface FanOutTally {
  readonly succeeded: number;
  readonly failed: number;
  readonly total: number;
}

/** `satisfied`: move on; `pending`: wait for more calls; `unsatisfiable`: the state has failed. */
export type FanOutStatus = 'satisfied' | 'pending' | 'unsatisfiable';

export function fanOutStatus(completion: FanOutCompletion, tally: FanOutTally): FanOutStatus {
  const needed = requiredSuccesses(completion, tally.total);
  if (tally.succeeded >= needed) return 'satisfied';
  // Not enough calls left to reach the number needed, even if every remaining one succeeds.
  if (tally.total - tally.failed < needed) return 'unsatisfiable';
  return 'pending';
}

export function fanOutSatisfied(completion: FanOutCompletion, tally: FanOutTally): boolean {
  return fanOutStatus(completion, tally) === 'satisfied';
}

function requiredSuccesses(completion: FanOutCompletion, total: number): number {
  switch (completion.kind) {
    case 'all':
      return total;
    case 'any':
      return 1;
    case 'quorum':
      return completion.n;
  }
}

/** The rule as the YAML spells it, for messages. */
export function describeCompletion(completion: FanOutCompletion): string {
  if (completion.kind === 'quorum') return `{quorum: ${completion.n}}`;
  return completion.kind === 'all' ? 'all_complete' : 'any_complete';
}
