import type { AgentBackend } from '@postmagiq/contracts';

/** USD per 1M tokens. `cacheWritePerMTok` only where the vendor bills cache writes separately. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  cacheWritePerMTok?: number;
}

export interface BackendPrices {
  models: Readonly<Record<string, ModelPrice>>;
  /**
   * Price of a model missing from the table. It is the backend's dearest mainstream tier on
   * purpose: an unknown model then trips the run's cost breaker early rather than late.
   */
  fallback: ModelPrice;
}

const FREE: ModelPrice = { inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0 };

/** Anthropic: 5-minute cache writes cost 1.25x input, cache hits as listed (≈0.1x, some 0.05x). */
const claude = (input: number, cacheRead: number, output: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cachedInputPerMTok: cacheRead,
  cacheWritePerMTok: input * 1.25,
});
const flat = (input: number, cached: number, output: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cachedInputPerMTok: cached,
});

/*
 * List prices, standard tier, collected on 2026-11-26 from the vendors' published pricing pages
 * (platform.claude.com "Pricing" incl. the 2026-10-07 Sonnet 5.5 cache-read cut; OpenAI API
 * pricing, standard processing, short context; Gemini API paid tier, prompts ≤ 200k tokens, whose
 * cached input is 10% of input). Long-prompt surcharges (Haiku 5.5 > 100k, Gemini Pro > 200k,
 * OpenAI > 270k) are not modelled: LinkedIn prompts are a few thousand tokens.
 * Re-check before billing real money; the date above is when the table was last true.
 */
export const PRICE_TABLE: Readonly<Record<AgentBackend, BackendPrices>> = {
  claude: {
    models: {
      'claude-fable-5-1': claude(10, 0.25, 50),
      'claude-mythos-5-1': claude(10, 0.25, 50),
      'claude-fable-5': claude(10, 1, 50),
      'claude-mythos-5': claude(10, 1, 50),
      'claude-opus-5-5': claude(4, 0.2, 20),
      'claude-opus-5': claude(5, 0.5, 25),
      'claude-opus-4-8': claude(5, 0.5, 25),
      'claude-opus-4-7': claude(5, 0.5, 25),
      'claude-opus-4-6': claude(5, 0.5, 25),
      'claude-opus-4-5': claude(5, 0.5, 25),
      'claude-opus-4-1': claude(15, 1.5, 75),
      'claude-opus-4': claude(15, 1.5, 75),
      'claude-sonnet-5-5': claude(2, 0.1, 10),
      'claude-sonnet-5': claude(2, 0.2, 10),
      'claude-sonnet-4-6': claude(3, 0.3, 15),
      'claude-sonnet-4-5': claude(3, 0.3, 15),
      'claude-sonnet-4': claude(3, 0.3, 15),
      'claude-haiku-5-5': claude(0.1, 0.01, 0.5),
      'claude-haiku-4-5': claude(1, 0.1, 5),
    },
    fallback: claude(5, 0.5, 25),
  },
  gemini: {
    models: {
      'gemini-3.5-flash': flat(1.5, 0.15, 9),
      'gemini-3.1-pro': flat(2, 0.2, 12),
      'gemini-3.1-flash-lite': flat(0.25, 0.025, 1.5),
      'gemini-3-flash': flat(0.5, 0.05, 3),
      'gemini-2.5-pro': flat(1.25, 0.125, 10),
      'gemini-2.5-flash': flat(0.3, 0.03, 2.5),
      'gemini-2.5-flash-lite': flat(0.1, 0.01, 0.4),
      'gemini-2.0-flash': flat(0.1, 0.025, 0.4),
    },
    fallback: flat(2, 0.2, 12),
  },
  openai: {
    models: {
      'gpt-5.5': flat(5, 0.5, 30),
      'gpt-5.4': flat(2.5, 0.25, 15),
      'gpt-5.4-mini': flat(0.75, 0.075, 4.5),
      'gpt-5.4-nano': flat(0.2, 0.02, 1.25),
      'gpt-5.2': flat(1.75, 0.175, 14),
      'gpt-5.1': flat(1.25, 0.125, 10),
      'gpt-5': flat(1.25, 0.125, 10),
      'gpt-5-mini': flat(0.25, 0.025, 2),
      'gpt-5-nano': flat(0.05, 0.005, 0.4),
      'gpt-4.1': flat(2, 0.5, 8),
      'gpt-4.1-mini': flat(0.4, 0.1, 1.6),
      'gpt-4.1-nano': flat(0.1, 0.025, 0.4),
      'gpt-4o': flat(2.5, 1.25, 10),
      'gpt-4o-mini': flat(0.15, 0.075, 0.6),
    },
    fallback: flat(5, 0.5, 30),
  },
  // Self-hosted: the GPU is paid for whether or not a call runs.
  ollama: { models: {}, fallback: FREE },
  simulated: { models: {}, fallback: FREE },
};
