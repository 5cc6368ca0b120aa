/** Options of `chunkText`: chunks of at most `maxWords`, consecutive chunks sharing `overlapWords`. */
export interface ChunkOptions {
  maxWords: number;
  overlapWords: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxWords: 200, overlapWords: 40 };

/**
 * Splits a text into chunks for embedding: paragraphs are packed whole while they fit; a paragraph
 * longer than a chunk is cut by words with an overlap, so no sentence is lost at a boundary. Each
 * chunk keeps the paragraph breaks of its text. Deterministic; an empty text has no chunks.
 */
export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNKING): string[] {
  const { maxWords, overlapWords } = options;
  if (maxWords < 1 || overlapWords < 0 || overlapWords >= maxWords)
    throw new Error('chunking needs 0 ≤ overlapWords < maxWords');
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const chunks: string[] = [];
  let current: string[] = [];
  let currentWords = 0;
  const flush = () => {
    if (current.length) chunks.push(current.join('\n\n'));
    current = [];
    currentWords = 0;
  };
  for (const paragraph of paragraphs) {
    const words = paragraph.split(/\s+/);
    if (words.length > maxWords) {
      flush();
      const step = maxWords - overlapWords;
      for (let start = 0; start < words.length; start += step) {
        chunks.push(words.slice(start, start + maxWords).join(' '));
        if (start + maxWords >= words.length) break;
      }
      continue;
    }
    if (currentWords + words.length > maxWords) flush();
    current.push(paragraph);
    currentWords += words.length;
  }
  flush();
  return chunks;
}
