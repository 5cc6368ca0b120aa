import type { AgentBackend } from '@postmagiq/contracts';

/** The environment, as `process.env` gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The variable whose presence configures each hosted backend (Ollama: where it runs). */
export const BACKEND_ENV_VARS: Readonly<Record<Exclude<AgentBackend, 'simulated'>, string>> = {
  claude: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  openai: 'OPENAI_API_KEY',
  ollama: 'OLLAMA_HOST',
};

/** A variable's value, or undefined when unset or blank (a blank key is no key). */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * The backends this environment can reach, in a stable order: each hosted one whose key (or, for
 * Ollama, host) is set, and `simulated`, which needs nothing.
 */
export function resolveBackends(env: Env): AgentBackend[] {
  const configured = (Object.keys(BACKEND_ENV_VARS) as (keyof typeof BACKEND_ENV_VARS)[]).filter(
    (backend) => envValue(env, BACKEND_ENV_VARS[backend]) !== undefined,
  );
  return [...configured, 'simulated'];
}
