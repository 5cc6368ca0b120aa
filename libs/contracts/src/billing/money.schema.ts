import { z } from 'zod';

/**
 * An amount of money in integer micro-USD (1 USD = 1,000,000). Never a float: sums of many agent
 * calls stay exact. JSON numbers are exact up to 2^53 micro-USD (about 9 billion USD).
 */
// `format: int64` in the OpenAPI document: stored in bigint columns, so wider than a Postgres integer
export const MicrosSchema = z.number().int().safe().meta({ format: 'int64' });
export const NonNegativeMicrosSchema = MicrosSchema.nonnegative();

export const MICROS_PER_USD = 1_000_000;

/** USD (as the agents price a call) to micro-USD, rounded to the nearest micro. */
export function usdToMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}
