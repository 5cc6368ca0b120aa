import type { LintFinding, VoiceProfile } from '@postmagiq/contracts';
import { DEFAULT_LINT_OPTIONS, type LintOptions } from './lint-options';
import type { LintRule } from './lint-rule';
import { analysePostText } from './post-text';
import { bannedPhraseRule } from './rules/banned-phrase.rule';
import { bulletRule, emphasisRule, hashtagRule, headerRule } from './rules/formatting.rules';
import { hookFoldRule } from './rules/hook.rule';
import { characterLimitRule, paragraphLengthRule, wordCountRule } from './rules/length.rules';

export const LINT_RULES: readonly LintRule[] = [
  hookFoldRule,
  wordCountRule,
  characterLimitRule,
  bulletRule,
  headerRule,
  emphasisRule,
  hashtagRule,
  bannedPhraseRule,
  paragraphLengthRule,
];

export interface LintPostOptions {
  voice?: VoiceProfile;
  rules?: Partial<LintOptions>;
}

/**
 * The deterministic quality gates, run before the LLM auditor so its verdict starts from facts.
 * Findings come out in rule order, then by position.
 */
export function lintPost(text: string, options: LintPostOptions = {}): LintFinding[] {
  const resolved: LintOptions = {
    ...DEFAULT_LINT_OPTIONS,
    ...options.rules,
    bannedPhrases: [...(options.rules?.bannedPhrases ?? []), ...(options.voice?.avoid ?? [])],
  };
  const post = analysePostText(text.replace(/\r\n?/g, '\n'));
  return LINT_RULES.flatMap((rule) => rule.check(post, resolved));
}

export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
