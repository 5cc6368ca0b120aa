import { z } from 'zod';
import { pageSchema } from '../content/page.dto';
import { BalanceSchema } from './billing-messages.schema';
import { MicrosSchema, NonNegativeMicrosSchema } from './money.schema';
import { INT4_MAX } from '../db-limits';
import { InstantSchema } from '../instant.schema';

/** `GET /api/billing/account`: the workspace's account, plan and balance. */
export const BillingAccountSchema = z.object({
  workspaceId: z.string().uuid(),
  metered: z.boolean(),
  plan: z
    .object({
      code: z.string(),
      name: z.string(),
      monthlyPriceMicros: NonNegativeMicrosSchema,
      allowanceMicros: NonNegativeMicrosSchema,
    })
    .nullable(),
  subscriptionStatus: z.string().nullable(),
  overdraftLimitMicros: NonNegativeMicrosSchema,
  balance: BalanceSchema,
});
export type BillingAccount = z.infer<typeof BillingAccountSchema>;

export const LedgerEntryKindSchema = z.enum([
  'grant',
  'hold',
  'extend',
  'capture',
  'release',
  'expire',
  'revoke',
]);
export type LedgerEntryKind = z.infer<typeof LedgerEntryKindSchema>;

export const LedgerEntrySchema = z.object({
  id: z.string(),
  kind: LedgerEntryKindSchema,
  idempotencyKey: z.string(),
  /** Change of the available balance (negative: spent or reserved). */
  availableDeltaMicros: MicrosSchema,
  /** Change of the held balance. */
  heldDeltaMicros: MicrosSchema,
  runId: z.string().uuid().nullable(),
  description: z.string(),
  createdAt: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const LedgerQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
  runId: z.string().uuid().optional(),
});
export type LedgerQuery = z.infer<typeof LedgerQuerySchema>;

export const LedgerPageSchema = pageSchema(LedgerEntrySchema);
export type LedgerPage = z.infer<typeof LedgerPageSchema>;

export const UsageQuerySchema = z.strictObject({
  groupBy: z.enum(['month', 'model', 'run']).default('month'),
  /** Usage at or after this instant (ISO 8601). */
  from: InstantSchema.optional(),
  /** Usage before this instant (ISO 8601). */
  to: InstantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

export const UsageRowSchema = z.object({
  /** The month (`2026-12`), the model (`claude:claude-sonnet-4-5`) or the run id. */
  key: z.string(),
  calls: z.number().int().nonnegative(),
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
  cachedTokensIn: z.number().int().nonnegative(),
  costMicros: NonNegativeMicrosSchema,
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsageReportSchema = z.object({
  groupBy: z.enum(['month', 'model', 'run']),
  rows: z.array(UsageRowSchema),
  totalCostMicros: NonNegativeMicrosSchema,
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

/** `GET /api/billing/prices`: micro-USD per million tokens of each model billing knows. */
export const PriceBookEntrySchema = z.object({
  backend: z.string(),
  model: z.string(),
  inputPerMTokMicros: NonNegativeMicrosSchema,
  outputPerMTokMicros: NonNegativeMicrosSchema,
  cachedInputPerMTokMicros: NonNegativeMicrosSchema,
});
export const PriceBookSchema = z.object({ models: z.array(PriceBookEntrySchema) });
export type PriceBook = z.infer<typeof PriceBookSchema>;

export const AutoRechargeSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    /** Recharge when the available balance falls below this. */
    thresholdMicros: NonNegativeMicrosSchema,
    /** …back up to this. */
    targetMicros: NonNegativeMicrosSchema,
    /** Never charge more than this per calendar month. */
    monthlyCapMicros: NonNegativeMicrosSchema,
  })
  .refine((s) => !s.enabled || s.targetMicros > s.thresholdMicros, {
    path: ['targetMicros'],
    message: 'must be above thresholdMicros',
  });
export type AutoRechargeSettings = z.infer<typeof AutoRechargeSettingsSchema>;

/**
 * `POST /api/billing/checkout`: buy a credit pack of whole US dollars (5 to 1,000 USD). The user
 * comes back to `APP_BASE_URL/billing`; the credit is granted by the webhook once paid.
 */
export const CheckoutRequestSchema = z.strictObject({
  amountMicros: NonNegativeMicrosSchema.min(5_000_000, 'at least 5 USD (5000000)')
    .max(1_000_000_000, 'at most 1,000 USD (1000000000)')
    .multipleOf(1_000_000, 'a whole number of US dollars (a multiple of 1000000)'),
});
export type CheckoutRequest = z.infer<typeof CheckoutRequestSchema>;

/** A Stripe-hosted page to send the user to (Checkout or the Customer Portal). */
export const BillingSessionUrlSchema = z.object({
  url: z.url(),
  /** The Checkout session id (absent for the Portal). */
  sessionId: z.string().optional(),
});
export type BillingSessionUrl = z.infer<typeof BillingSessionUrlSchema>;
