/** A post split into the pieces the lint rules look at, with offsets into the original text. */
export interface Span {
  text: string;
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
}

export interface PostText {
  source: string;
  lines: Span[];
  paragraphs: Span[];
  /** Words for counting: hashtags and bare punctuation are not words. */
  words: Span[];
  hashtags: Span[];
}

const WORD = /(?<![#\p{L}\p{N}])[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const HASHTAG = /(?<![\p{L}\p{N}_])#[\p{L}\p{N}_]+/gu;

/** How many `words` `analysePostText` finds, without building their spans (for hot loops). */
export function countWords(source: string): number {
  return source.match(WORD)?.length ?? 0;
}

export function analysePostText(source: string): PostText {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  const span = (start: number, end: number): Span => ({
    text: source.slice(start, end),
    start,
    end,
    line: lineOf(start),
  });

  const lines = lineStarts.map((start, index) => {
    const next = lineStarts[index + 1];
    return span(start, next === undefined ? source.length : next - 1);
  });

  const paragraphs: Span[] = [];
  let current: Span | null = null;
  for (const line of lines) {
    if (line.text.trim() === '') {
      if (current) paragraphs.push(current);
      current = null;
    } else if (current) {
      current = span(current.start, line.end);
    } else {
      const indent = line.text.length - line.text.trimStart().length;
      current = span(line.start + indent, line.end);
    }
  }
  if (current) paragraphs.push(current);

  const matches = (pattern: RegExp): Span[] =>
    [...source.matchAll(pattern)].map((m) => span(m.index, m.index + m[0].length));

  return { source, lines, paragraphs, words: matches(WORD), hashtags: matches(HASHTAG) };
}
