import type { ComposedPrompt } from '../core/composed-prompt';
import type { RetryPolicy } from '../retry/retry-policy';

/** What every hosted-vendor adapter is built from; tests point `baseURL` at 127.0.0.1. */
export interface VendorAdapterConfig {
  apiKey: string;
  /** The vendor's API root; the SDK default when omitted. */
  baseURL?: string;
  /** Model used when the agent's spec names none. */
  defaultModel?: string;
  /** Cap on generated tokens (thinking included): a 400-word post is ~600, an audit ~400. */
  maxOutputTokens?: number;
  retry?: Partial<RetryPolicy>;
}

export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/** System text for vendors without separate cacheable blocks: the stable prefix first, so
 * automatic prefix caching (OpenAI, Gemini implicit caching) can hit across calls of a run. */
export function systemText(prompt: ComposedPrompt): string {
  return [prompt.stablePrefix, prompt.persona].filter((part) => part.trim() !== '').join('\n\n');
}
