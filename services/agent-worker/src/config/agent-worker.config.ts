import { AGENT_BACKENDS, type AgentBackend } from '@postmagiq/contracts';
import { BACKEND_ENV_VARS, createAdaptersFromEnv, type BackendAdapter } from '@postmagiq/agents';
import { ConfigError, loadConfig } from '@postmagiq/platform';
import { resolve } from 'node:path';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The repository's `prompts/` (the image keeps the source layout). */
const DEFAULT_PROMPTS_DIR = resolve(__dirname, '../../../../prompts');

/** Variables only the agent worker reads (the platform's are read by the platform module). */
export const agentWorkerEnv = {
  /** Which backend this pool serves; it consumes `agents.<backend>` and nothing else. */
  AGENT_BACKEND: z.enum(AGENT_BACKENDS),
  /** Jobs processed at once by this process. */
  AGENT_CONCURRENCY: int(1, 1000).default(8),
  /** Per-backend rate limit shared by every worker of the pool: at most MAX jobs per DURATION. Unset = none. */
  AGENT_RATE_MAX: int(1, 1_000_000).optional(),
  AGENT_RATE_DURATION_MS: int(1, 3_600_000).default(1000),
  /** BullMQ job lock; a killed worker's jobs go back to the queue once it expires. */
  AGENT_LOCK_DURATION_MS: int(1000, 600_000).default(30_000),
  /** How often this worker looks for stalled jobs of its queue (killed workers' jobs). */
  AGENT_STALLED_INTERVAL_MS: int(500, 600_000).default(30_000),
  /** How many times a job may stall (its worker died) before it fails for good. */
  AGENT_MAX_STALLED_COUNT: int(0, 100).default(2),
  /** On SIGTERM: how long in-flight calls may take to finish before they are handed back. */
  AGENT_SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(25_000),
  /** How long a finished call's result is kept for redeliveries (seconds). */
  AGENT_RESULT_TTL_SECONDS: int(60, 90 * 24 * 3600).default(7 * 24 * 3600),
  /** How long an orchestrator-task conversation is kept after its last turn (seconds). */
  AGENT_SESSION_TTL_SECONDS: int(60, 365 * 24 * 3600).default(30 * 24 * 3600),
  /** Persona templates and universal rules (layer 1 and 3 of every prompt). */
  PROMPTS_DIR: z.string().min(1).default(DEFAULT_PROMPTS_DIR),
};

export type AgentWorkerConfig = z.infer<z.ZodObject<typeof agentWorkerEnv>>;

export function loadAgentWorkerConfig(env: NodeJS.ProcessEnv): AgentWorkerConfig {
  return loadConfig(agentWorkerEnv, env);
}

export const AGENT_WORKER_CONFIG = Symbol('AGENT_WORKER_CONFIG');
export const AGENT_ADAPTER = Symbol('AGENT_ADAPTER');

/** Variables each backend's adapter reads, so a worker validates only its own backend's. */
const ADAPTER_VARS: Readonly<Record<AgentBackend, readonly string[]>> = {
  claude: ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'CLAUDE_MODEL'],
  gemini: ['GEMINI_API_KEY', 'GEMINI_BASE_URL', 'GEMINI_MODEL'],
  openai: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'],
  ollama: ['OLLAMA_HOST', 'OLLAMA_API_KEY', 'OLLAMA_MODEL'],
  simulated: ['SIMULATED_LATENCY_MS'],
};

/**
 * The adapter of this worker's backend, built from its variables only. A hosted backend without
 * its key (Ollama: host) stops the boot: a pool that cannot reach its vendor must not take jobs.
 */
export function createBackendAdapter(
  backend: AgentBackend,
  env: NodeJS.ProcessEnv,
): BackendAdapter {
  const own: Record<string, string | undefined> = {};
  for (const name of ADAPTER_VARS[backend]) own[name] = env[name];
  if (backend !== 'simulated') {
    const required = BACKEND_ENV_VARS[backend];
    if (!own[required]?.trim()) {
      throw new ConfigError([
        { variable: required, message: `is required when AGENT_BACKEND=${backend}` },
      ]);
    }
  }
  let adapter: BackendAdapter | undefined;
  try {
    adapter = createAdaptersFromEnv(own)[backend];
  } catch (e) {
    const message = (e as Error).message;
    const variable =
      ADAPTER_VARS[backend].find((name) => message.startsWith(name)) ?? 'AGENT_BACKEND';
    throw new ConfigError([{ variable, message: message.slice(variable.length).trim() }]);
  }
  if (!adapter)
    throw new ConfigError([{ variable: 'AGENT_BACKEND', message: `no adapter for ${backend}` }]);
  return adapter;
}
