import type { EmbeddingProvider } from './embedding-provider';

const STOPWORDS = new Set(
  'a an and are as at be but by for from has have i if in into is it its me my of on or our so that the their them then there these they this to was we were what when which who will with you your'.split(
    ' ',
  ),
);
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** FNV-1a, 32-bit. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A light suffix strip so "writing"/"writes"/"write" share features. */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(?:ings?|edly|ed|ly|es|s)$/u, '') || word;
}

export function tokens(text: string): string[] {
  return (text.toLowerCase().replace(/’/g, "'").match(TOKEN) ?? [])
    .filter((t) => !STOPWORDS.has(t))
    .map(stem);
}

/**
 * Deterministic, offline embeddings for the simulated mode and tests: the hashing trick over word
 * unigrams and bigrams (signed, log-scaled counts), L2-normalised. Texts sharing words and phrases
 * land near each other, so semantic search behaves sensibly without a model or a network.
 */
export class OfflineEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'offline';
  readonly model = 'hashing-ngram-v1';

  constructor(private readonly dim = 1536) {}

  embedOne(text: string): number[] {
    const counts = new Map<string, number>();
    const words = tokens(text);
    const add = (feature: string, weight: number) =>
      counts.set(feature, (counts.get(feature) ?? 0) + weight);
    for (let i = 0; i < words.length; i++) {
      add(`w:${words[i]}`, 1);
      if (i + 1 < words.length) add(`b:${words[i]} ${words[i + 1]}`, 0.5);
    }
    const v = new Array<number>(this.dim).fill(0);
    for (const [feature, count] of counts) {
      const h = fnv1a(feature);
      const sign = fnv1a(`±${feature}`) & 1 ? 1 : -1;
      const idx = h % this.dim;
      v[idx] = (v[idx] as number) + sign * (1 + Math.log(count));
    }
    const norm = Math.hypot(...v);
    return norm === 0 ? v : v.map((x) => x / norm);
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }
}
