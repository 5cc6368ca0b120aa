import type { LintFinding } from '@postmagiq/contracts';
import type { LintOptions } from './lint-options';
import type { PostText, Span } from './post-text';

/** One deterministic quality gate. Rules are pure: same text and options, same findings. */
export interface LintRule {
  readonly id: string;
  check(post: PostText, options: LintOptions): LintFinding[];
}

export function at(span: Span): LintFinding['location'] {
  return { start: span.start, end: span.end, line: span.line };
}
