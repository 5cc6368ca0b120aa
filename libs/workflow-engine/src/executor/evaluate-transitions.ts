import { ConditionFacts } from '../condition/context-facts';
import { evaluateCondition } from '../condition/evaluate-condition';
import { StateDefinition, TransitionDefinition } from '../definition/workflow-definition';

/** The first transition, in declaration order, whose condition holds; null when none does. */
export function evaluateTransitions(
  state: StateDefinition,
  facts: ConditionFacts,
): TransitionDefinition | null {
  if (state.type === 'terminal') return null;
  return (
    state.transitions.find((transition) => evaluateCondition(transition.condition.ast, facts)) ??
    null
  );
}
