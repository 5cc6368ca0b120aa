import { createRunContext } from './run-context';
import { terminalEnding } from './run-ending';

describe('terminalEnding', () => {
  it('completes in a completed terminal', () => {
    expect(
      terminalEnding({ type: 'terminal', name: 'done', outcome: 'completed' }, createRunContext()),
    ).toEqual({
      status: 'completed',
      reason: null,
    });
  });

  it('halts in a halted terminal, explained by the latest audit or else by the state', () => {
    const halt = { type: 'terminal', name: 'halt', outcome: 'halted' } as const;
    const audit = { decision: 'halt', score: 2, feedback: 'Off-topic.', findings: [] } as const;
    expect(
      terminalEnding(halt, { ...createRunContext(), audit: { ...audit, findings: [] } }),
    ).toEqual({ status: 'halted', reason: 'Off-topic.' });
    expect(terminalEnding(halt, createRunContext())).toEqual({
      status: 'halted',
      reason: "reached the halting state 'halt'",
    });
  });
});
