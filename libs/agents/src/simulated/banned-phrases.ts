/** Matching as the post lint does it: case-insensitive, curly apostrophes as straight ones, whole words. */
const normalise = (text: string) => text.toLowerCase().replace(/[’‘]/g, "'");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternFor(phrase: string): RegExp | null {
  const needle = normalise(phrase.trim());
  return needle ? new RegExp(`(?<![\\p{L}\\p{N}])${escape(needle)}(?![\\p{L}\\p{N}])`, 'u') : null;
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
