/**
 * What billing asks of Stripe, as a port: the official SDK behind it in production
 * (`SdkStripeGateway`), an in-memory fake in tests of stateful flows (stripe-mock keeps no state).
 * Both pass `stripe-gateway.conformance.ts`. Every call that creates something takes the ledger's
 * idempotency key, which goes to Stripe as its `Idempotency-Key`.
 */
export interface StripeGateway {
  createCustomer(
    input: { workspaceId: string; email?: string },
    idempotencyKey: string,
  ): Promise<{ id: string }>;
  /** A hosted Checkout page for a one-off credit pack; `metadata` comes back on the webhook. */
  createCreditPackCheckout(
    input: {
      customerId: string;
      amountMicros: number;
      description: string;
      successUrl: string;
      cancelUrl: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<{ id: string; url: string }>;
  /** The Customer Portal (payment methods, plan changes, invoices). */
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  /** An off-session charge of the saved payment method (auto-recharge). */
  chargeSaved(
    input: {
      customerId: string;
      amountMicros: number;
      description: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<{ id: string; status: string }>;
}

/** Stripe charges in cents; the ledger counts micro-USD. */
export function microsToCents(micros: number): number {
  if (micros % 10_000 !== 0)
    throw new RangeError(`${micros} micro-USD is not a whole number of cents`);
  return micros / 10_000;
}

/** The gateway billing uses: null when unmetered (no STRIPE_SECRET_KEY). */
export const STRIPE_GATEWAY = Symbol('STRIPE_GATEWAY');
/** Provided only by tests (`BillingAppModule.forRoot(env, { stripeGateway })`) to replace the SDK. */
export const STRIPE_GATEWAY_OVERRIDE = Symbol('STRIPE_GATEWAY_OVERRIDE');
