import { describeCompletion, fanOutSatisfied, fanOutStatus } from './fan-out-completion';

const tally = (succeeded: number, failed: number, total = 3) => ({ succeeded, failed, total });

describe('fan-out completion', () => {
  it.each([
    ['all', { kind: 'all' } as const, tally(2, 0), 'pending'],
    ['all', { kind: 'all' } as const, tally(3, 0), 'satisfied'],
    ['all', { kind: 'all' } as const, tally(2, 1), 'unsatisfiable'],
    ['any', { kind: 'any' } as const, tally(0, 2), 'pending'],
    ['any', { kind: 'any' } as const, tally(1, 2), 'satisfied'],
    ['any', { kind: 'any' } as const, tally(0, 3), 'unsatisfiable'],
    ['quorum 2', { kind: 'quorum', n: 2 } as const, tally(1, 1), 'pending'],
    ['quorum 2', { kind: 'quorum', n: 2 } as const, tally(2, 1), 'satisfied'],
    ['quorum 2', { kind: 'quorum', n: 2 } as const, tally(0, 2), 'unsatisfiable'],
  ])('%s with %o is %s', (_name, completion, counts, status) => {
    expect(fanOutStatus(completion, counts)).toBe(status);
    expect(fanOutSatisfied(completion, counts)).toBe(status === 'satisfied');
  });

  it('spells the rule as the YAML does', () => {
    expect(
      [{ kind: 'all' } as const, { kind: 'any' } as const, { kind: 'quorum', n: 2 } as const].map(
        describeCompletion,
      ),
    ).toEqual(['all_complete', 'any_complete', '{quorum: 2}']);
  });
});
