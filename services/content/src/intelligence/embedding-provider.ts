/** Turns texts into vectors. Implementations: offline (deterministic), OpenAI, Gemini, Ollama. */
export interface EmbeddingProvider {
  /** `offline`, `openai`, `gemini`, `ollama`. */
  readonly name: string;
  readonly model: string;
  /** Vectors in the order of the texts; any length up to the stored dimension (see `fitDimension`). */
  embed(texts: string[]): Promise<number[][]>;
}

export const EMBEDDING_PROVIDER = Symbol('EMBEDDING_PROVIDER');

/** `provider/model`, stored with every vector: vectors of different models are never compared. */
export const modelKey = (p: EmbeddingProvider) => `${p.name}/${p.model}`;

/**
 * A vector brought to the stored dimension: zero-padded (cosine similarity is unchanged by padding)
 * and L2-normalised. A longer vector is an error: it needs a model with fewer dimensions, or a
 * migration to a wider column.
 */
export function fitDimension(vector: readonly number[], dim: number): number[] {
  if (vector.length > dim)
    throw new Error(
      `the embedding model returned ${vector.length} dimensions; the column holds ${dim}`,
    );
  if (vector.length === 0 || vector.some((x) => !Number.isFinite(x)))
    throw new Error('the embedding model returned an empty or non-finite vector');
  const norm = Math.hypot(...vector);
  const out = new Array<number>(dim).fill(0);
  for (let i = 0; i < vector.length; i++) out[i] = norm === 0 ? 0 : (vector[i] as number) / norm;
  return out;
}
