import { usesBannedPhrase } from './banned-phrases';

/**
 * The story body as plain sentences: Markdown list markers and headers stripped (the post may
 * have neither), whitespace collapsed, every sentence closed with punctuation, and any sentence
 * using an avoided phrase dropped rather than mangled.
 */
export function storySentences(body: string, avoid: readonly string[]): string[] {
  const prose = body
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:#{1,6}|[-*•▪●◦‣]|\d{1,2}[.)])\s+/, '').trim())
    .filter((line) => line !== '')
    .map((line) => (/[.!?…:;"”’)]$/.test(line) ? line : `${line}.`))
    .join(' ')
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!prose) return [];
  return prose
    .split(/(?<=[.!?…])\s+(?=["“‘(]?[\p{Lu}\p{N}])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '' && !usesBannedPhrase(sentence, avoid));
}

/** Ends a title-like text as a sentence. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
