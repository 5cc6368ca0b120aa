import { ClaudeAdapter } from '../adapters/claude.adapter';
import { OllamaAdapter } from '../adapters/ollama.adapter';
import { SimulatedAdapter } from '../simulated/simulated.adapter';
import { resolveBackends } from './backend-env';
import { createAdaptersFromEnv } from './create-adapters-from-env';

describe('resolveBackends', () => {
  it('lists the backends whose key or host is set, and always simulated', () => {
    expect(resolveBackends({})).toEqual(['simulated']);
    expect(
      resolveBackends({
        ANTHROPIC_API_KEY: 'k',
        OPENAI_API_KEY: 'k',
        GEMINI_API_KEY: 'k',
        OLLAMA_HOST: 'h',
      }),
    ).toEqual(['claude', 'gemini', 'openai', 'ollama', 'simulated']);
  });

  it('treats a blank variable as unset', () => {
    expect(resolveBackends({ ANTHROPIC_API_KEY: '  ', OLLAMA_HOST: '' })).toEqual(['simulated']);
  });
});

describe('createAdaptersFromEnv', () => {
  it('builds an adapter per configured backend, plus simulated', () => {
    const adapters = createAdaptersFromEnv({
      ANTHROPIC_API_KEY: 'sk-ant',
      OLLAMA_HOST: 'gpu-node:11434',
      CLAUDE_MODEL: 'claude-haiku-4-5',
    });
    expect(Object.keys(adapters).sort()).toEqual(['claude', 'ollama', 'simulated']);
    expect(adapters.claude).toBeInstanceOf(ClaudeAdapter);
    expect(adapters.claude?.defaultModel).toBe('claude-haiku-4-5');
    expect(adapters.simulated).toBeInstanceOf(SimulatedAdapter);
    expect((adapters.ollama as OllamaAdapter).host).toBe('http://gpu-node:11434');
  });

  it('stops at boot on a malformed variable, naming it', () => {
    expect(() => createAdaptersFromEnv({ SIMULATED_LATENCY_MS: 'fast' })).toThrow(
      /SIMULATED_LATENCY_MS/,
    );
    expect(() =>
      createAdaptersFromEnv({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'not a url' }),
    ).toThrow(/OPENAI_BASE_URL/);
    expect(() => createAdaptersFromEnv({ OLLAMA_HOST: 'ftp://x' })).toThrow(/OLLAMA_HOST/);
  });
});
