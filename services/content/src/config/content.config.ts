import { loadConfig, secret } from '@postmagiq/platform';
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * Variables of the content service. Provider keys share their names with @postmagiq/agents, so
 * one `.env` configures both. Unset keys mean the offline providers: deterministic feature-hashing
 * embeddings, and a simulated (labelled) reading of photos.
 */
export const contentEnv = {
  /** `auto`: the first of openai, gemini, ollama whose key/host is set, else `offline`. */
  EMBEDDING_PROVIDER: z.enum(['auto', 'offline', 'openai', 'gemini', 'ollama']).default('auto'),
  /** Model of the chosen provider (defaults: text-embedding-3-small, gemini-embedding-001, nomic-embed-text). */
  EMBEDDING_MODEL: z.string().trim().min(1).optional(),
  OPENAI_API_KEY: secret(z.string().trim().min(1).optional()),
  OPENAI_BASE_URL: httpUrl.optional(),
  GEMINI_API_KEY: secret(z.string().trim().min(1).optional()),
  GEMINI_BASE_URL: httpUrl.optional(),
  /** Model that reads photos when drafting a character. */
  GEMINI_VISION_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
  OLLAMA_HOST: z.string().trim().min(1).optional(),
  /** Where the built-in persona templates live (shown next to workspace overrides). */
  PROMPTS_DIR: z.string().min(1).default('prompts'),
};

export type ContentConfig = z.infer<z.ZodObject<typeof contentEnv>>;

export function loadContentConfig(env: NodeJS.ProcessEnv = process.env): ContentConfig {
  return loadConfig(contentEnv, env);
}

export const CONTENT_CONFIG = Symbol('CONTENT_CONFIG');
