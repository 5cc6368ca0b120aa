import { AgentResult, AgentResultSchema, AgentSpec, describeZodIssues } from '@postmagiq/contracts';
import { failedResultOf } from './run-usage';

/**
 * Invokers are an edge of the engine: a result that breaks the contract (a negative cost, a
 * missing field) becomes a failed call with the reason, never bad data in usage or billing.
 */
export function checkedAgentResult(agent: AgentSpec, result: unknown): AgentResult {
  const parsed = AgentResultSchema.safeParse(result);
  if (parsed.success) return parsed.data;
  return failedResultOf(
    agent,
    `the invoker returned an invalid result (${describeZodIssues(parsed.error)})`,
  );
}
