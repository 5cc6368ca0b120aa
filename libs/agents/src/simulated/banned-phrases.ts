/** Matching as the post lint does it: case-insensitive, curly apostrophes as straight ones, whole words. */
const normalise = (text: string) => text.toLowerCase().replace(/[’‘]/g, "'");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiled patterns by phrase: a voice's few phrases are tested against every candidate line. */
const patterns = new Map<string, RegExp | null>();
const MAX_PATTERNS = 512;

function patternFor(phrase: string): RegExp | null {
  let pattern = patterns.get(phrase);
  if (pattern === undefined) {
    const needle = normalise(phrase.trim());
    // not global: `test` keeps no state, so one instance serves every caller
    pattern = needle
      ? new RegExp(`(?<![\\p{L}\\p{N}])${escape(needle)}(?![\\p{L}\\p{N}])`, 'u')
      : null;
    if (patterns.size >= MAX_PATTERNS) patterns.clear();
    patterns.set(phrase, pattern);
  }
  return pattern;
}

/** True when the text uses any phrase of the voice's avoid list. */
export function usesBannedPhrase(text: string, avoid: readonly string[]): boolean {
  const haystack = normalise(text);
  return avoid.some((phrase) => patternFor(phrase)?.test(haystack) ?? false);
}

/** Removes avoided phrases from short texts we cannot drop (a title), keeping the rest readable. */
export function scrubBannedPhrases(text: string, avoid: readonly string[]): string {
  let out = text;
  for (const phrase of avoid) {
    const pattern = patternFor(phrase);
    if (!pattern) continue;
    const global = new RegExp(pattern.source, 'gu');
    // Normalising keeps lengths, so offsets found in the normalised text are valid in `out`.
    const spans = [...normalise(out).matchAll(global)].map(
      (m) => [m.index, m.index + m[0].length] as const,
    );
    for (const [start, end] of spans.reverse()) out = out.slice(0, start) + out.slice(end);
  }
  return out
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([.,;:!?])/g, '$1')
    .trim();
}
