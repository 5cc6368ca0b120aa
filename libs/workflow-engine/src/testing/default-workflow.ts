import { formatDiagnostic } from '../definition/diagnostic';
import { parseWorkflow } from '../definition/parse-workflow';
import { WorkflowDefinition } from '../definition/workflow-definition';

/**
 * Shaped like the default workflow: three writers, an auditor behind the post lint, a revise
 * loop, a synthesizer with a persistent session, a human review, and a halting terminal.
 */
export const DEFAULT_SHAPED_WORKFLOW = `
workflow:
  name: linkedin_post
  initial_state: start
  limits: { state_visits: 3, transitions: 20, runtime_minutes: 30, cost_usd: 5 }
  states:
    start:
      type: initial
      transitions:
        - { target: draft, condition: always }
    draft:
      type: fan-out
      agents:
        - { name: writer_claude, type: claude, persona: writer }
        - { name: writer_gemini, type: gemini, persona: writer }
        - { name: writer_ollama, type: ollama, model: llama3.2, persona: writer }
      transitions:
        - { target: audit, condition: all_complete }
    audit:
      type: single
      agent: { name: auditor, type: claude, persona: auditor }
      output_schema: AuditResult
      quality_gate: post_lint
      transitions:
        - { target: revise, condition: "result.decision == 'retry'" }
        - { target: synthesize, condition: "result.decision == 'proceed'" }
        - { target: halt, condition: "result.decision == 'halt'" }
    revise:
      type: single
      agent: { name: reviser, type: claude, persona: writer }
      transitions:
        - { target: audit, condition: always }
    synthesize:
      type: orchestrator-task
      agent: { name: synthesizer, type: claude, persona: synthesizer, session_persist: true }
      transitions:
        - { target: review, condition: always }
    review:
      type: human-approval
      transitions:
        - { target: complete, condition: "result.decision == 'approve' or result.decision == 'edit'" }
        - { target: revise, condition: "result.decision == 'reject'" }
    halt:
      type: terminal
      outcome: halted
    complete:
      type: terminal
`;

/** Parses a definition a test relies on, failing loudly with the diagnostics if it is invalid. */
export function definitionOf(source: string): WorkflowDefinition {
  const outcome = parseWorkflow(source, { file: 'test.yaml' });
  if (!outcome.ok) throw new Error(outcome.errors.map(formatDiagnostic).join('\n'));
  return outcome.definition;
}

/** The default-shaped workflow with some text replaced, for variants. */
export function variantOf(
  replacements: ReadonlyArray<readonly [string, string]>,
): WorkflowDefinition {
  let source = DEFAULT_SHAPED_WORKFLOW;
  for (const [from, to] of replacements) {
    if (!source.includes(from)) throw new Error(`the default workflow has no '${from}'`);
    source = source.replace(from, to);
  }
  return definitionOf(source);
}
