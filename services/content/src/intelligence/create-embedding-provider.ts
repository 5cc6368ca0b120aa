import type { ContentConfig } from '../config/content.config';
import type { EmbeddingProvider } from './embedding-provider';
import { OfflineEmbeddingProvider } from './offline-embedding.provider';
import {
  GeminiEmbeddingProvider,
  OllamaEmbeddingProvider,
  OpenAIEmbeddingProvider,
} from './remote-embedding.providers';

/** The provider EMBEDDING_PROVIDER names (`auto`: the first configured of openai, gemini, ollama, else offline). */
export function createEmbeddingProvider(c: ContentConfig, dim: number): EmbeddingProvider {
  let choice = c.EMBEDDING_PROVIDER;
  if (choice === 'auto')
    choice = c.OPENAI_API_KEY
      ? 'openai'
      : c.GEMINI_API_KEY
        ? 'gemini'
        : c.OLLAMA_HOST
          ? 'ollama'
          : 'offline';
  const missing = (name: string) => new Error(`EMBEDDING_PROVIDER=${choice} needs ${name}`);
  switch (choice) {
    case 'openai':
      if (!c.OPENAI_API_KEY) throw missing('OPENAI_API_KEY');
      return new OpenAIEmbeddingProvider(
        c.OPENAI_API_KEY,
        c.EMBEDDING_MODEL,
        c.OPENAI_BASE_URL,
        dim,
      );
    case 'gemini':
      if (!c.GEMINI_API_KEY) throw missing('GEMINI_API_KEY');
      return new GeminiEmbeddingProvider(
        c.GEMINI_API_KEY,
        c.EMBEDDING_MODEL,
        c.GEMINI_BASE_URL,
        dim,
      );
    case 'ollama': {
      if (!c.OLLAMA_HOST) throw missing('OLLAMA_HOST');
      const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(c.OLLAMA_HOST)
        ? c.OLLAMA_HOST
        : `http://${c.OLLAMA_HOST}`;
      return new OllamaEmbeddingProvider(host, c.EMBEDDING_MODEL);
    }
    default:
      return new OfflineEmbeddingProvider(dim);
  }
}
