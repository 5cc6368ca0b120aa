import { z } from 'zod';
import { MicrosSchema, NonNegativeMicrosSchema } from './money.schema';

/** NATS request/reply subjects billing answers (`domain.entity.verb`); never rename one. */
export const BillingRequestSubjects = {
  /** Reserve credit for a run before it starts (one guarded statement: placed or refused). */
  holdPlace: 'billing.hold.place',
  /** Reserve more for a running run whose hold is used up. */
  holdExtend: 'billing.hold.extend',
  /** A run's hold as it now is (orchestration checks it before continuing a paused run). */
  holdGet: 'billing.hold.get',
  /** Settle a run's hold now (normally `orchestration.run.finished` does). */
  holdSettle: 'billing.hold.settle',
} as const;

/** JetStream stream of billing's own events (file-backed: it carries money). */
export const BILLING_STREAM = 'BILLING';
export const BILLING_STREAM_SUBJECTS = ['billing.credit.>', 'billing.run.>'];

/** Subjects billing publishes on; never rename one. */
export const BillingEventSubjects = {
  /** A run's hold could not be extended: orchestration pauses it as `awaiting_credit`. */
  runCreditExhausted: 'billing.run.credit-exhausted',
  /** A workspace received credit (top-up, allowance, recharge): paused runs may continue. */
  creditAdded: 'billing.credit.added',
  /** Spend crossed 80 % or 100 % of the period's allowance (once per period each). */
  creditAlert: 'billing.credit.alert',
} as const;

export const BalanceSchema = z.object({
  /** Credit not reserved by any run; negative within the overdraft limit. */
  availableMicros: MicrosSchema,
  /** Credit reserved by the holds of running runs. */
  heldMicros: NonNegativeMicrosSchema,
});
export type Balance = z.infer<typeof BalanceSchema>;

export const HoldPlaceRequestSchema = z.strictObject({
  workspaceId: z.string().uuid(),
  runId: z.string().uuid(),
  /** What the run is expected to spend before it asks for more. */
  estimateMicros: NonNegativeMicrosSchema,
});
export type HoldPlaceRequest = z.infer<typeof HoldPlaceRequestSchema>;

export const HoldExtendRequestSchema = HoldPlaceRequestSchema;
export type HoldExtendRequest = HoldPlaceRequest;

export const HoldSettleRequestSchema = z.strictObject({
  workspaceId: z.string().uuid(),
  runId: z.string().uuid(),
});
export type HoldSettleRequest = z.infer<typeof HoldSettleRequestSchema>;

/** The answer to place/extend/settle: the hold as it now is, or why it was refused. */
export const HoldReplySchema = z.object({
  placed: z.boolean(),
  runId: z.string().uuid(),
  /** Reserved in all for the run (estimate plus extensions). */
  amountMicros: NonNegativeMicrosSchema,
  /** Spent against it so far. */
  capturedMicros: NonNegativeMicrosSchema,
  status: z.enum(['open', 'exhausted', 'settled', 'refused']),
  estimateMicros: NonNegativeMicrosSchema,
  balance: BalanceSchema,
  overdraftLimitMicros: NonNegativeMicrosSchema,
  /** False in unmetered mode (no Stripe): nothing is refused, usage is still recorded. */
  metered: z.boolean(),
  /** Set when refused: what the workspace can do about it. */
  reason: z.string().nullable(),
});
export type HoldReply = z.infer<typeof HoldReplySchema>;

export const RunCreditExhaustedEventSchema = z.object({
  workspaceId: z.string().uuid(),
  runId: z.string().uuid(),
  balance: BalanceSchema,
  at: z.string().datetime(),
});
export type RunCreditExhaustedEvent = z.infer<typeof RunCreditExhaustedEventSchema>;

export const CreditAddedEventSchema = z.object({
  workspaceId: z.string().uuid(),
  amountMicros: NonNegativeMicrosSchema,
  source: z.string(),
  balance: BalanceSchema,
  at: z.string().datetime(),
});
export type CreditAddedEvent = z.infer<typeof CreditAddedEventSchema>;

export const CreditAlertEventSchema = z.object({
  workspaceId: z.string().uuid(),
  /** Percent of the period's allowance spent: 80 or 100. */
  threshold: z.union([z.literal(80), z.literal(100)]),
  period: z.string(),
  allowanceMicros: NonNegativeMicrosSchema,
  spentMicros: NonNegativeMicrosSchema,
  at: z.string().datetime(),
});
export type CreditAlertEvent = z.infer<typeof CreditAlertEventSchema>;
