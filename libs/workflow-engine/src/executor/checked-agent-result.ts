import { AgentResult, AgentResultSchema, AgentSpec } from '@postmagiq/contracts';
import { failedResultOf } from './run-usage';

/**
 * Invokers are an edge of the engine: a result that breaks the contract (a negative cost, a
 * missing field) becomes a failed call with the reason, never bad data in usage or billing.
 */
export function checkedAgentResult(agent: AgentSpec, result: unknown): AgentResult {
  const parsed = AgentResultSchema.safeParse(result);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return failedResultOf(agent, `the invoker returned an invalid result (${problem})`);
}
