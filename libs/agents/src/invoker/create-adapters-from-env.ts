import type { AgentBackend } from '@postmagiq/contracts';
import { ClaudeAdapter } from '../adapters/claude.adapter';
import { GeminiAdapter } from '../adapters/gemini.adapter';
import { OllamaAdapter } from '../adapters/ollama.adapter';
import { OpenAIAdapter } from '../adapters/openai.adapter';
import type { BackendAdapter } from '../core/backend-adapter';
import type { RetryPolicy } from '../retry/retry-policy';
import { SimulatedAdapter } from '../simulated/simulated.adapter';
import { envValue, resolveBackends, type Env } from './backend-env';

export type AdapterMap = Partial<Record<AgentBackend, BackendAdapter>>;

/**
 * One adapter per backend the environment configures, plus `simulated`. Every variable is read
 * here and only here; a malformed one stops the process at boot with a message naming it.
 *
 * Keys: ANTHROPIC_API_KEY, GEMINI_API_KEY, OPENAI_API_KEY; OLLAMA_HOST (+ OLLAMA_API_KEY for a
 * proxy). Optional: ANTHROPIC_BASE_URL, GEMINI_BASE_URL, OPENAI_BASE_URL; CLAUDE_MODEL,
 * GEMINI_MODEL, OPENAI_MODEL, OLLAMA_MODEL (defaults when an agent names no model);
 * SIMULATED_LATENCY_MS.
 */
export function createAdaptersFromEnv(
  env: Env,
  options: { retry?: Partial<RetryPolicy> } = {},
): AdapterMap {
  const adapters: AdapterMap = { simulated: new SimulatedAdapter({ latencyMs: latency(env) }) };
  const backends = new Set(resolveBackends(env));
  const common = (model: string, baseUrl: string) => ({
    ...(envValue(env, model) ? { defaultModel: envValue(env, model) } : {}),
    ...(envValue(env, baseUrl) ? { baseURL: url(env, baseUrl) } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  if (backends.has('claude')) {
    adapters.claude = new ClaudeAdapter({
      apiKey: required(env, 'ANTHROPIC_API_KEY'),
      ...common('CLAUDE_MODEL', 'ANTHROPIC_BASE_URL'),
    });
  }
  if (backends.has('gemini')) {
    adapters.gemini = new GeminiAdapter({
      apiKey: required(env, 'GEMINI_API_KEY'),
      ...common('GEMINI_MODEL', 'GEMINI_BASE_URL'),
    });
  }
  if (backends.has('openai')) {
    adapters.openai = new OpenAIAdapter({
      apiKey: required(env, 'OPENAI_API_KEY'),
      ...common('OPENAI_MODEL', 'OPENAI_BASE_URL'),
    });
  }
  if (backends.has('ollama')) {
    const token = envValue(env, 'OLLAMA_API_KEY');
    const model = envValue(env, 'OLLAMA_MODEL');
    adapters.ollama = new OllamaAdapter({
      host: ollamaHost(env),
      ...(model ? { defaultModel: model } : {}),
      ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }
  return adapters;
}

function required(env: Env, name: string): string {
  const value = envValue(env, name);
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

function url(env: Env, name: string): string {
  const value = required(env, name);
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:')
      return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new Error(`${name} must be an http(s) URL, got "${value}"`);
}

/** Ollama's own convention allows `host:port` without a scheme; we accept it too. */
function ollamaHost(env: Env): string {
  const value = required(env, 'OLLAMA_HOST');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const parsed = new URL(withScheme);
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) {
      return withScheme.replace(/\/+$/, '');
    }
  } catch {
    // reported below
  }
  throw new Error(`OLLAMA_HOST must be a host[:port] or an http(s) URL, got "${value}"`);
}

function latency(env: Env): number {
  const value = envValue(env, 'SIMULATED_LATENCY_MS');
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) {
    throw new Error(
      `SIMULATED_LATENCY_MS must be a whole number of milliseconds ≥ 0, got "${value}"`,
    );
  }
  return Number(value);
}
