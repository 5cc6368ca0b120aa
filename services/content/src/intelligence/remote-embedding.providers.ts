import { GoogleGenerativeAI } from '@google/generative-ai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import type { EmbeddingProvider } from './embedding-provider';

export const OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';
export const GEMINI_EMBEDDING_MODEL = 'gemini-embedding-001';
export const OLLAMA_EMBEDDING_MODEL = 'nomic-embed-text';

/** OpenAI embeddings (text-embedding-3-* asked for exactly the stored dimension). */
export class OpenAIEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'openai';
  private readonly client: OpenAI;

  constructor(
    apiKey: string,
    readonly model = OPENAI_EMBEDDING_MODEL,
    baseURL?: string,
    private readonly dim = 1536,
  ) {
    this.client = new OpenAI({
      apiKey,
      maxRetries: 2,
      timeout: 30_000,
      ...(baseURL ? { baseURL } : {}),
    });
  }

  async embed(texts: string[]): Promise<number[][]> {
    const res = await this.client.embeddings.create({
      model: this.model,
      input: texts,
      encoding_format: 'float',
      ...(this.model.startsWith('text-embedding-3') ? { dimensions: this.dim } : {}),
    });
    return [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }
}

/** Gemini embeddings through batchEmbedContents, truncated by the API to the stored dimension. */
export class GeminiEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'gemini';
  private readonly client: GoogleGenerativeAI;

  constructor(
    apiKey: string,
    readonly model = GEMINI_EMBEDDING_MODEL,
    private readonly baseUrl?: string,
    private readonly dim = 1536,
  ) {
    this.client = new GoogleGenerativeAI(apiKey);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const model = this.client.getGenerativeModel(
      { model: this.model },
      this.baseUrl ? { baseUrl: this.baseUrl } : {},
    );
    const res = await model.batchEmbedContents(
      {
        // outputDimensionality is accepted by the API but not yet typed by this SDK version
        requests: texts.map(
          (text) =>
            ({
              content: { role: 'user', parts: [{ text }] },
              outputDimensionality: this.dim,
            }) as never,
        ),
      },
      { signal: AbortSignal.timeout(30_000) },
    );
    return res.embeddings.map((e) => e.values);
  }
}

/** Ollama embeddings (/api/embed); smaller models are zero-padded by the caller. */
export class OllamaEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'ollama';
  private readonly client: Ollama;

  constructor(
    host: string,
    readonly model = OLLAMA_EMBEDDING_MODEL,
  ) {
    this.client = new Ollama({ host });
  }

  async embed(texts: string[]): Promise<number[][]> {
    const res = await this.client.embed({ model: this.model, input: texts });
    return res.embeddings;
  }
}
