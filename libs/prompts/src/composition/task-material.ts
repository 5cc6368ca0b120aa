import type { AgentTask, LintFinding } from '@postmagiq/contracts';

/** The per-call material of a task (story, drafts, findings, audit, feedback): the user message. */
export function renderTaskMaterial(task: AgentTask): string {
  const { story } = task.input;
  const parts = [`## Story: ${story.title}`];
  if (story.topic) parts.push(`Topic: ${story.topic}`);
  if (story.shape) parts.push(`Shape: ${story.shape}`);
  parts.push(story.body);

  task.drafts.forEach((draft, index) => {
    parts.push(`## Draft ${index}\n${draft}`);
    const findings = task.findings[index] ?? [];
    if (findings.length > 0)
      parts.push(`Quality-gate findings for draft ${index}:\n${renderFindings(findings)}`);
  });
  if (task.audit) {
    parts.push(
      `## Latest audit\nDecision: ${task.audit.decision}, score ${task.audit.score}/10` +
        (task.audit.bestDraft !== undefined ? `, best draft ${task.audit.bestDraft}` : '') +
        `\n${task.audit.feedback}`,
    );
  }
  if (task.feedback) parts.push(`## Reviewer feedback (takes priority)\n${task.feedback}`);
  return parts.join('\n\n');
}

function renderFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `- [${f.severity}] ${f.rule}: ${f.message}`).join('\n');
}
