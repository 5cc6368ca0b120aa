import { LintFinding } from '@postmagiq/contracts';
import { RunContext } from './run-context';
import { resultFact, StateResult } from './state-result';

/**
 * How a state's result updates the run context. New drafts invalidate the findings about the old
 * ones and the old candidate post; an audit or a reviewer's decision is remembered for later tasks.
 */
export function applyStateResult(
  context: RunContext,
  state: string,
  result: StateResult,
): RunContext {
  const outputs =
    result.kind === 'none' ? context.outputs : { ...context.outputs, [state]: resultFact(result) };
  const next: RunContext = { ...context, outputs };
  switch (result.kind) {
    case 'none':
      return next;
    case 'fan-out':
      return { ...next, drafts: [...result.drafts], findings: [], finalPost: null };
    case 'text':
      return { ...next, drafts: [result.content], findings: [], finalPost: result.content };
    case 'structured':
      return result.output.schema === 'AuditResult'
        ? { ...next, audit: result.output.value }
        : next;
    case 'approval': {
      const { response } = result;
      if (response.decision === 'approve') return { ...next, finalPost: result.post };
      if (response.decision === 'reject') return { ...next, feedback: response.feedback };
      return { ...next, drafts: [response.text], findings: [], finalPost: response.text };
    }
  }
}

/** Findings of a quality gate over the drafts a state received, one list per draft. */
export function applyGateFindings(
  context: RunContext,
  findings: readonly (readonly LintFinding[])[],
): RunContext {
  return { ...context, findings: findings.map((list) => [...list]) };
}
