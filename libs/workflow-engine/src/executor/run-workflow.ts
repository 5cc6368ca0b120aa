import { WorkflowDefinition } from '../definition/workflow-definition';
import { RunOutcome, RunWorkflowOptions } from './run-workflow-options';
import { WorkflowRun } from './workflow-run';

/**
 * Runs a workflow to its end in this process. Never rejects for a problem of the run itself
 * (agent errors, bad answers, tripped breaker, cancellation): those are the outcome's status and
 * reason, and `run.finished` is always the last event.
 */
export function runWorkflow(
  definition: WorkflowDefinition,
  options: RunWorkflowOptions,
): Promise<RunOutcome> {
  return new WorkflowRun(definition, options).execute();
}
