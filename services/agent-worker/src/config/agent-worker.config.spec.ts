import { ClaudeAdapter, OllamaAdapter, SimulatedAdapter } from '@postmagiq/agents';
import { ConfigError } from '@postmagiq/platform';
import { createBackendAdapter, loadAgentWorkerConfig } from './agent-worker.config';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('agent-worker configuration', () => {
  it('needs AGENT_BACKEND and names it when it is missing or unknown', () => {
    expect(configError(() => loadAgentWorkerConfig({})).issues).toEqual([
      { variable: 'AGENT_BACKEND', message: 'is required' },
    ]);
    const bad = configError(() => loadAgentWorkerConfig({ AGENT_BACKEND: 'gpt' }));
    expect(bad.issues[0]?.variable).toBe('AGENT_BACKEND');
    expect(bad.message).toContain('simulated');
  });

  it('has defaults fit for a vendor pool, and reads the rate limit and timings', () => {
    const config = loadAgentWorkerConfig({ AGENT_BACKEND: 'claude' });
    expect(config).toMatchObject({
      AGENT_CONCURRENCY: 8,
      AGENT_RATE_MAX: undefined,
      AGENT_RATE_DURATION_MS: 1000,
      AGENT_LOCK_DURATION_MS: 30_000,
      AGENT_SHUTDOWN_TIMEOUT_MS: 25_000,
    });
    expect(config.PROMPTS_DIR).toMatch(/prompts$/);
    expect(
      loadAgentWorkerConfig({
        AGENT_BACKEND: 'ollama',
        AGENT_RATE_MAX: '50',
        AGENT_RATE_DURATION_MS: '60000',
        AGENT_CONCURRENCY: '2',
      }),
    ).toMatchObject({ AGENT_RATE_MAX: 50, AGENT_RATE_DURATION_MS: 60_000, AGENT_CONCURRENCY: 2 });
  });

  it('names every malformed number', () => {
    const error = configError(() =>
      loadAgentWorkerConfig({
        AGENT_BACKEND: 'simulated',
        AGENT_CONCURRENCY: '0',
        AGENT_RATE_MAX: 'lots',
      }),
    );
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'AGENT_CONCURRENCY',
      'AGENT_RATE_MAX',
    ]);
  });

  it('builds only its own backend adapter, and a hosted one needs its key', () => {
    expect(createBackendAdapter('simulated', {})).toBeInstanceOf(SimulatedAdapter);
    expect(
      createBackendAdapter('claude', { ANTHROPIC_API_KEY: 'k', OPENAI_BASE_URL: 'not a url' }),
    ).toBeInstanceOf(ClaudeAdapter);
    expect(createBackendAdapter('ollama', { OLLAMA_HOST: 'gpu-node:11434' })).toBeInstanceOf(
      OllamaAdapter,
    );
    expect(
      configError(() => createBackendAdapter('claude', { ANTHROPIC_API_KEY: ' ' })).issues,
    ).toEqual([
      { variable: 'ANTHROPIC_API_KEY', message: 'is required when AGENT_BACKEND=claude' },
    ]);
    expect(configError(() => createBackendAdapter('openai', {})).issues[0]?.variable).toBe(
      'OPENAI_API_KEY',
    );
  });

  it('names the adapter variable that is malformed', () => {
    const e = configError(() =>
      createBackendAdapter('gemini', { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: 'ftp://x' }),
    );
    expect(e.issues).toEqual([
      { variable: 'GEMINI_BASE_URL', message: 'must be an http(s) URL, got "ftp://x"' },
    ]);
    const s = configError(() => createBackendAdapter('simulated', { SIMULATED_LATENCY_MS: '-5' }));
    expect(s.issues[0]?.variable).toBe('SIMULATED_LATENCY_MS');
  });
});
