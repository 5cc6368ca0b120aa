/**
 * A workflow that fails deterministically: its one agent, a simulated writer, cannot answer the
 * AuditResult its state asks for. `limits` (e.g. `{ state_visits: 1 }`) makes a resume, the
 * judge's second visit, run into the soft limit.
 */
export function failingJudgeWorkflow(name: string, limits?: string): string {
  return `workflow:
  name: ${name}
  initial_state: start
${limits ? `  limits: ${limits}\n` : ''}  states:
    start:
      type: initial
      transitions:
        - { target: judge, condition: always }
    judge:
      type: single
      agent: { name: judge, type: simulated, persona: writer }
      output_schema: AuditResult
      transitions:
        - { target: done, condition: always }
    done:
      type: terminal
`;
}
