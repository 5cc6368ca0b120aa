import type { AuditResult, LintFinding, VoiceProfile } from '@postmagiq/contracts';
import { lintPost } from '@postmagiq/prompts';

export interface DraftVerdict {
  index: number;
  findings: LintFinding[];
  errors: number;
  warnings: number;
  score: number;
}

/** Lints every draft and scores it: 10, less 3 per error and 1 per warning, never below 0. */
export function judgeDrafts(drafts: readonly string[], voice: VoiceProfile): DraftVerdict[] {
  return drafts.map((draft, index) => {
    const findings = lintPost(draft, { voice });
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    return { index, findings, errors, warnings, score: Math.max(0, 10 - 3 * errors - warnings) };
  });
}

/** The cleanest draft: fewest errors, then fewest warnings, then the earliest. */
export function bestVerdict(verdicts: readonly DraftVerdict[]): DraftVerdict | undefined {
  return [...verdicts].sort(
    (a, b) => a.errors - b.errors || a.warnings - b.warnings || a.index - b.index,
  )[0];
}

/**
 * The simulated auditor's verdict, driven only by the deterministic lint: `halt` without drafts,
 * `proceed` as soon as one draft has no error (the synthesizer starts from it, as the auditor
 * prompt asks), `retry` when every draft has at least one error.
 */
export function auditDrafts(drafts: readonly string[], voice: VoiceProfile): AuditResult {
  const verdicts = judgeDrafts(drafts, voice);
  const best = bestVerdict(verdicts);
  if (!best) {
    return {
      decision: 'halt',
      score: 0,
      feedback: 'There is no draft to audit: the writers produced nothing.',
      findings: [],
    };
  }
  const many = verdicts.length > 1;
  const findings = verdicts.flatMap((v) =>
    v.findings.map((f) => (many ? { ...f, message: `draft ${v.index}: ${f.message}` } : f)),
  );
  if (best.errors === 0) {
    const polish = best.findings.map((f) => f.message).join('; ');
    return {
      decision: 'proceed',
      score: best.score,
      bestDraft: best.index,
      feedback: `Draft ${best.index} passes every quality gate${polish ? `; polish: ${polish}` : ''}.`,
      findings,
    };
  }
  const fixes = best.findings.filter((f) => f.severity === 'error').map((f) => f.message);
  return {
    decision: 'retry',
    score: best.score,
    bestDraft: best.index,
    feedback: `Revise draft ${best.index}, the closest to publishable: ${fixes.join('; ')}.`,
    findings,
  };
}
