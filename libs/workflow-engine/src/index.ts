// Condition language
export * from './condition/condition-ast';
export * from './condition/context-facts';
export { parseCondition } from './condition/parse-condition';
export type { ParseConditionOptions, ParseConditionOutcome } from './condition/parse-condition';
export { evaluateCondition } from './condition/evaluate-condition';
export { formatCondition } from './condition/format-condition';

// Circuit breaker
export * from './breaker/breaker-limits';
export * from './breaker/breaker-counters';
export * from './breaker/breaker-verdict';
export * from './breaker/check-breaker';
export * from './breaker/breaker-operations';
export * from './breaker/breaker-counter-store';
export * from './breaker/in-memory-breaker-counter-store';
export * from './breaker/breaker-store-scenarios';

// Definitions
export * from './definition/diagnostic';
export * from './definition/workflow-definition';
export * from './definition/output-schemas';
export { parseWorkflow } from './definition/parse-workflow';
export type { ParseOutcome, ParseWorkflowOptions } from './definition/parse-workflow';
