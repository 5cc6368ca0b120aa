import type { LintFinding } from '@postmagiq/contracts';
import type { LintRule } from '../lint-rule';

/** Phrases the voice profile says to avoid, wherever they appear, ignoring case and apostrophe style. */
export const bannedPhraseRule: LintRule = {
  id: 'banned-phrase',
  check(post, { bannedPhrases }) {
    const haystack = normalise(post.source);
    const findings: LintFinding[] = [];
    for (const phrase of bannedPhrases) {
      const needle = normalise(phrase.trim());
      if (needle === '') continue;
      const pattern = new RegExp(
        `(?<![\\p{L}\\p{N}])${escapeRegExp(needle)}(?![\\p{L}\\p{N}])`,
        'gu',
      );
      for (const match of haystack.matchAll(pattern)) {
        const start = match.index;
        const line = post.lines.find((l) => l.start <= start && start <= l.end)?.line ?? 1;
        findings.push({
          rule: this.id,
          severity: 'error',
          message: `"${post.source.slice(start, start + needle.length)}" is on the voice profile's avoid list`,
          location: { start, end: start + needle.length, line },
        });
      }
    }
    return findings.sort((a, b) => (a.location?.start ?? 0) - (b.location?.start ?? 0));
  },
};

/** Lower-cases and unifies curly apostrophes without changing the length, so offsets stay valid. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[’‘]/g, "'");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
