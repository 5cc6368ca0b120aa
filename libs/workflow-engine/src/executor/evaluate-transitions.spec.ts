import { DEFAULT_SHAPED_WORKFLOW, definitionOf } from '../testing/default-workflow';
import { evaluateTransitions } from './evaluate-transitions';
import { createRunContext } from './run-context';
import { StateResult } from './state-result';
import { buildTransitionFacts } from './transition-facts';

const definition = definitionOf(DEFAULT_SHAPED_WORKFLOW);
const state = (name: string) => {
  const found = definition.states[name];
  if (!found) throw new Error(name);
  return found;
};
const audited = (decision: 'proceed' | 'retry' | 'halt'): StateResult => ({
  kind: 'structured',
  output: { schema: 'AuditResult', value: { decision, score: 6, feedback: '', findings: [] } },
});

describe('evaluateTransitions with buildTransitionFacts', () => {
  it('picks the transition whose condition holds for the audit decision', () => {
    for (const [decision, target] of [
      ['retry', 'revise'],
      ['proceed', 'synthesize'],
      ['halt', 'halt'],
    ] as const) {
      const facts = buildTransitionFacts(definition, createRunContext(), audited(decision), 0);
      expect(evaluateTransitions(state('audit'), facts)?.target).toBe(target);
    }
  });

  it('takes the first matching transition in declaration order', () => {
    const facts = buildTransitionFacts(
      definition,
      createRunContext(),
      { kind: 'approval', response: { decision: 'approve' }, post: 'p' },
      0,
    );
    expect(evaluateTransitions(state('review'), facts)?.target).toBe('complete');
  });

  it('answers null when nothing holds, and for terminal states', () => {
    const facts = buildTransitionFacts(
      definition,
      createRunContext(),
      { kind: 'fan-out', drafts: ['a'], completed: 1, failed: 2, total: 3 },
      0,
    );
    expect(facts).toMatchObject({
      allComplete: false,
      anyComplete: true,
      completed: 1,
      result: { completed: 1, failed: 2 },
    });
    expect(evaluateTransitions(state('draft'), facts)).toBeNull();
    expect(evaluateTransitions(state('complete'), facts)).toBeNull();
  });

  it('counts every state of the workflow as visited 0 times until it is entered', () => {
    const facts = buildTransitionFacts(
      definition,
      { ...createRunContext(), visits: { start: 1 } },
      { kind: 'none' },
      2.5,
    );
    expect(facts.context).toMatchObject({
      visits: {
        start: 1,
        draft: 0,
        audit: 0,
        revise: 0,
        synthesize: 0,
        review: 0,
        halt: 0,
        complete: 0,
      },
      elapsedMinutes: 2.5,
      transitions: 0,
      costUsd: 0,
      feedback: null,
      audit: null,
    });
  });
});
