// The public API of @postmagiq/workflow-engine: a pure library (yaml, zod, contracts; no I/O).

// Definitions: YAML → validated, typed WorkflowDefinition with positioned diagnostics.
export { parseWorkflow } from './definition/parse-workflow';
export type { ParseOutcome, ParseWorkflowOptions } from './definition/parse-workflow';
export { formatDiagnostic } from './definition/diagnostic';
export type { Diagnostic } from './definition/diagnostic';
export * from './definition/workflow-definition';
export * from './definition/output-schemas';

// Condition language: tokenizer + recursive-descent parser + evaluator, never eval.
export * from './condition/condition-ast';
export * from './condition/context-facts';
export { parseCondition } from './condition/parse-condition';
export type { ParseConditionOptions, ParseConditionOutcome } from './condition/parse-condition';
export { evaluateCondition } from './condition/evaluate-condition';
export { formatCondition } from './condition/format-condition';

// Circuit breaker: limits, the shared pure check, store operations and stores.
export * from './breaker/breaker-limits';
export * from './breaker/breaker-counters';
export * from './breaker/breaker-verdict';
export * from './breaker/check-breaker';
export * from './breaker/breaker-operations';
export * from './breaker/breaker-counter-store';
export * from './breaker/in-memory-breaker-counter-store';
export * from './breaker/breaker-store-scenarios';

// Executor, pure decisions: what the orchestration service reuses step by step.
export * from './executor/run-context';
export * from './executor/state-result';
export * from './executor/apply-state-result';
export * from './executor/transition-facts';
export * from './executor/evaluate-transitions';
export * from './executor/fan-out-completion';
export * from './executor/build-agent-task';
export * from './executor/parse-agent-output';
export * from './executor/current-post';
export * from './executor/visit-decisions';
export * from './executor/run-ending';
export * from './executor/run-usage';
export * from './executor/run-event-stamper';
export * from './executor/executor-ports';

// Executor, in-process driver.
export * from './executor/settle-fan-out';
export * from './executor/run-workflow-options';
export { runWorkflow } from './executor/run-workflow';
export { RunCancelledError } from './executor/abortable';
