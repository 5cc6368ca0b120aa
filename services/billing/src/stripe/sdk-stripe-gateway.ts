import Stripe from 'stripe';
import { microsToCents, StripeGateway } from './stripe-gateway';

/** The Stripe API version billing is written against (the SDK's pinned one). */
export const STRIPE_API_VERSION = '2026-08-26.dahlia' as const;

/** `StripeGateway` on the official SDK. */
export class SdkStripeGateway implements StripeGateway {
  constructor(private readonly stripe: Stripe) {}

  static create(
    secretKey: string,
    options: { host?: string; port?: number; protocol?: 'http' | 'https' } = {},
  ) {
    return new SdkStripeGateway(
      new Stripe(secretKey, { apiVersion: STRIPE_API_VERSION, maxNetworkRetries: 2, ...options }),
    );
  }

  async createCustomer(input: { workspaceId: string; email?: string }, idempotencyKey: string) {
    const c = await this.stripe.customers.create(
      {
        metadata: { workspaceId: input.workspaceId },
        ...(input.email ? { email: input.email } : {}),
      },
      { idempotencyKey },
    );
    return { id: c.id };
  }

  async createCreditPackCheckout(
    input: Parameters<StripeGateway['createCreditPackCheckout']>[0],
    idempotencyKey: string,
  ) {
    const s = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        customer: input.customerId,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: 'usd',
              unit_amount: microsToCents(input.amountMicros),
              product_data: { name: input.description },
            },
          },
        ],
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        metadata: input.metadata,
        payment_intent_data: { metadata: input.metadata, setup_future_usage: 'off_session' },
      },
      { idempotencyKey },
    );
    if (!s.url) throw new Error(`checkout session ${s.id} has no url`);
    return { id: s.id, url: s.url };
  }

  async createPortalSession(input: { customerId: string; returnUrl: string }) {
    const s = await this.stripe.billingPortal.sessions.create({
      customer: input.customerId,
      return_url: input.returnUrl,
    });
    return { url: s.url };
  }

  async chargeSaved(input: Parameters<StripeGateway['chargeSaved']>[0], idempotencyKey: string) {
    const pi = await this.stripe.paymentIntents.create(
      {
        amount: microsToCents(input.amountMicros),
        currency: 'usd',
        customer: input.customerId,
        description: input.description,
        metadata: input.metadata,
        off_session: true,
        confirm: true,
      },
      { idempotencyKey },
    );
    return { id: pi.id, status: pi.status };
  }
}
