import type { AgentBackend } from '@postmagiq/contracts';
import type { UsageCounts } from '../core/usage-counts';
import { PRICE_TABLE, type ModelPrice } from './price-table';

export interface ResolvedPrice {
  price: ModelPrice;
  /** The table entry that matched, or null when the backend's fallback applied. */
  matched: string | null;
}

/**
 * Suffixes that name a snapshot of the same model, not another model: dates, `-001`, previews,
 * `-latest`, `[1m]`, `@20250929`. Anything else (`-pro`, `-10`) is a different model whose price
 * we do not know, so it gets the fallback rather than a guess.
 */
const SNAPSHOT_SUFFIX =
  /^(-\d{8}|-\d{4}-\d{2}-\d{2}|-\d{3}|-preview.*|-latest|-exp.*|\[[^\]]*\]|@.*)$/;

/**
 * Finds a model's price: the exact id, else the longest table id of which it is a snapshot
 * (`claude-sonnet-4-5-20250929`, `gpt-5.4-mini-2026-03-17`, `gemini-3.1-pro-preview`), else the
 * backend's fallback.
 */
export function resolvePrice(backend: AgentBackend, model: string): ResolvedPrice {
  const prices = PRICE_TABLE[backend];
  const id = model.trim().toLowerCase();
  let matched: string | null = null;
  for (const key of Object.keys(prices.models)) {
    const isSnapshot = id.startsWith(key) && SNAPSHOT_SUFFIX.test(id.slice(key.length));
    if ((id === key || isSnapshot) && (matched === null || key.length > matched.length))
      matched = key;
  }
  const price = matched === null ? prices.fallback : prices.models[matched];
  return { price: price ?? prices.fallback, matched };
}

/** USD for one call. Cached and cache-write tokens are part of `tokensIn` but priced as such. */
export function priceUsage(backend: AgentBackend, model: string, usage: UsageCounts): number {
  const { price } = resolvePrice(backend, model);
  const cached = Math.min(usage.cachedTokensIn, usage.tokensIn);
  const written = Math.min(usage.cacheWriteTokensIn, usage.tokensIn - cached);
  const plain = usage.tokensIn - cached - written;
  const micros =
    plain * price.inputPerMTok +
    cached * price.cachedInputPerMTok +
    written * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    usage.tokensOut * price.outputPerMTok;
  // Rounded to 1e-10 USD so sums of many calls do not drift with float noise.
  return Math.round((micros / 1_000_000) * 1e10) / 1e10;
}
