import { ConditionFacts } from '../condition/context-facts';
import { WorkflowDefinition } from '../definition/workflow-definition';
import { RunContext } from './run-context';
import { resultFact, StateResult } from './state-result';

/**
 * The facts a state's transition conditions are evaluated against, after its result has been
 * applied to the context. Every state of the workflow has a visit count, 0 when never visited, so
 * `context.visits.revise < 2` holds before the first revision instead of comparing null.
 */
export function buildTransitionFacts(
  definition: WorkflowDefinition,
  context: RunContext,
  result: StateResult,
  elapsedMinutes: number,
): ConditionFacts {
  const visits: Record<string, number> = {};
  for (const state of Object.keys(definition.states)) visits[state] = context.visits[state] ?? 0;
  const agents = agentTally(result);
  return {
    result: resultFact(result),
    context: {
      visits,
      outputs: context.outputs,
      transitions: context.transitions,
      costUsd: context.costUsd,
      elapsedMinutes,
      feedback: context.feedback,
      audit: context.audit,
    },
    allComplete: agents.completed === agents.total,
    anyComplete: agents.completed > 0,
    completed: agents.completed,
  };
}

/** How many agents the state ran and how many succeeded (a failed one-agent state never gets here). */
function agentTally(result: StateResult): { completed: number; total: number } {
  switch (result.kind) {
    case 'fan-out':
      return { completed: result.completed, total: result.total };
    case 'text':
    case 'structured':
      return { completed: 1, total: 1 };
    default:
      return { completed: 0, total: 0 };
  }
}
