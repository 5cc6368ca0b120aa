import { priceUsage, resolvePrice } from './pricing';

const usage = (
  tokensIn: number,
  tokensOut: number,
  cachedTokensIn = 0,
  cacheWriteTokensIn = 0,
) => ({
  tokensIn,
  tokensOut,
  cachedTokensIn,
  cacheWriteTokensIn,
});

describe('pricing', () => {
  it('prices plain input and output per million tokens', () => {
    // gpt-5.4-mini: $0.75 in, $4.50 out
    expect(priceUsage('openai', 'gpt-5.4-mini', usage(1_000_000, 1_000_000))).toBeCloseTo(5.25, 10);
  });

  it('prices cached reads and cache writes as such, inside tokensIn', () => {
    // claude-sonnet-4-5: $3 in, $3.75 cache write, $0.30 cache read, $15 out
    const cost = priceUsage('claude', 'claude-sonnet-4-5', usage(10_000, 1_000, 6_000, 3_000));
    const expected = (1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 1_000 * 15) / 1_000_000;
    expect(cost).toBeCloseTo(expected, 10);
  });

  it('matches dated and suffixed model ids to their family by whole segments', () => {
    expect(resolvePrice('claude', 'claude-sonnet-4-5-20250929').matched).toBe('claude-sonnet-4-5');
    expect(resolvePrice('claude', 'claude-opus-4-5-20251101').matched).toBe('claude-opus-4-5');
    expect(resolvePrice('openai', 'gpt-5.4-mini-2026-03-17').matched).toBe('gpt-5.4-mini');
    expect(resolvePrice('openai', 'gpt-5-mini').matched).toBe('gpt-5-mini');
    expect(resolvePrice('gemini', 'gemini-2.5-flash-lite').matched).toBe('gemini-2.5-flash-lite');
    expect(resolvePrice('gemini', 'gemini-3.1-pro-preview').matched).toBe('gemini-3.1-pro');
    expect(resolvePrice('gemini', 'gemini-2.0-flash-001').matched).toBe('gemini-2.0-flash');
    expect(resolvePrice('claude', 'claude-opus-4-10').matched).toBeNull();
    expect(resolvePrice('openai', 'gpt-5-pro').matched).toBeNull();
  });

  it('falls back to the backend tier for unknown models', () => {
    const unknown = resolvePrice('openai', 'gpt-99-ultra');
    expect(unknown.matched).toBeNull();
    expect(unknown.price.inputPerMTok).toBeGreaterThan(0);
    expect(priceUsage('gemini', 'gemini-next', usage(1_000_000, 0))).toBeGreaterThan(0);
  });

  it('charges nothing for ollama and simulated', () => {
    expect(priceUsage('ollama', 'llama3.2', usage(5_000, 5_000))).toBe(0);
    expect(priceUsage('simulated', 'simulated-1', usage(5_000, 5_000))).toBe(0);
  });
});
