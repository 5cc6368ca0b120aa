/** Thresholds of the deterministic post lint. Defaults follow LinkedIn's limits and the universal rules. */
export interface LintOptions {
  minWords: number;
  maxWords: number;
  /** LinkedIn collapses a post after roughly this many characters behind "see more". */
  hookMaxChars: number;
  /** LinkedIn refuses posts longer than this. */
  maxChars: number;
  maxHashtags: number;
  maxParagraphWords: number;
  /** Phrases that must not appear (a voice profile's `avoid` list), matched case-insensitively. */
  bannedPhrases: readonly string[];
}

export const DEFAULT_LINT_OPTIONS: LintOptions = {
  minWords: 250,
  maxWords: 400,
  hookMaxChars: 210,
  maxChars: 3000,
  maxHashtags: 3,
  maxParagraphWords: 70,
  bannedPhrases: [],
};
