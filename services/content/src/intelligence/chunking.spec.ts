import { chunkText } from './chunking';
import { fitDimension } from './embedding-provider';
import { OfflineEmbeddingProvider, tokens } from './offline-embedding.provider';

const words = (n: number, prefix = 'w') =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('chunking', () => {
  it('packs whole paragraphs while they fit and keeps their breaks', () => {
    expect(
      chunkText('One two.\n\nThree four.\r\n\r\nFive.', { maxWords: 4, overlapWords: 1 }),
    ).toEqual(['One two.\n\nThree four.', 'Five.']);
    expect(chunkText('  \n\n ')).toEqual([]);
  });

  it('cuts a long paragraph by words with an overlap, losing nothing', () => {
    const chunks = chunkText(words(10), { maxWords: 4, overlapWords: 1 });
    expect(chunks).toEqual(['w0 w1 w2 w3', 'w3 w4 w5 w6', 'w6 w7 w8 w9']);
    expect(chunkText(words(500)).length).toBe(3); // 200-word chunks stepping by 160
  });
});

describe('offline embeddings', () => {
  const provider = new OfflineEmbeddingProvider(1536);

  it('is deterministic, 1536-dimensional and unit length', async () => {
    const [a, b] = await provider.embed([
      'Hiring is a product problem',
      'Hiring is a product problem',
    ]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(1536);
    expect(Math.hypot(...(a as number[]))).toBeCloseTo(1, 10);
  });

  it('puts texts that share words and phrases nearer than unrelated ones', () => {
    const q = provider.embedOne('lessons from hiring engineers');
    const near = provider.embedOne(
      'What I learned hiring our first engineers: lessons on interviews',
    );
    const far = provider.embedOne('Quarterly revenue grew in the retail segment');
    expect(cosine(q, near)).toBeGreaterThan(0.3);
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
  });

  it('drops stopwords and folds simple suffixes', () => {
    expect(tokens('The writer writes; writing is what we do')).toEqual([
      'writer',
      'writ',
      'writ',
      'do',
    ]);
  });
});

describe('fitDimension', () => {
  it('zero-pads shorter vectors and normalises them', () => {
    expect(fitDimension([3, 4], 4)).toEqual([0.6, 0.8, 0, 0]);
  });

  it('refuses longer or non-finite vectors', () => {
    expect(() => fitDimension([1, 2, 3], 2)).toThrow('returned 3 dimensions');
    expect(() => fitDimension([Number.NaN], 2)).toThrow('non-finite');
  });
});
