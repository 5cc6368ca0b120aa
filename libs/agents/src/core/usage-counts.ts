/**
 * Token counts of one call as the vendors report them. `tokensIn` is every prompt token, cached
 * ones included (as in AgentResult); `cachedTokensIn` were read from a prompt cache and
 * `cacheWriteTokensIn` were written to one (Anthropic bills both differently from plain input).
 */
export interface UsageCounts {
  tokensIn: number;
  tokensOut: number;
  cachedTokensIn: number;
  cacheWriteTokensIn: number;
}

export const ZERO_USAGE: Readonly<UsageCounts> = Object.freeze({
  tokensIn: 0,
  tokensOut: 0,
  cachedTokensIn: 0,
  cacheWriteTokensIn: 0,
});

export function addUsage(a: UsageCounts, b: UsageCounts): UsageCounts {
  return {
    tokensIn: a.tokensIn + b.tokensIn,
    tokensOut: a.tokensOut + b.tokensOut,
    cachedTokensIn: a.cachedTokensIn + b.cachedTokensIn,
    cacheWriteTokensIn: a.cacheWriteTokensIn + b.cacheWriteTokensIn,
  };
}
