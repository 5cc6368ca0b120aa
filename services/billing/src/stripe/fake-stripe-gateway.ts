import { randomUUID } from 'node:crypto';
import { microsToCents, StripeGateway } from './stripe-gateway';

/**
 * An in-memory Stripe for stateful flows (stripe-mock keeps no state): it remembers what was
 * created and, like Stripe, answers a repeated idempotency key with the first result.
 */
export class FakeStripeGateway implements StripeGateway {
  readonly customers = new Map<string, { workspaceId: string }>();
  readonly checkouts = new Map<
    string,
    { customerId: string; amountCents: number; metadata: Record<string, string> }
  >();
  readonly charges = new Map<string, { customerId: string; amountCents: number }>();
  private readonly byKey = new Map<string, unknown>();

  private once<T>(key: string, make: () => T): T {
    if (!this.byKey.has(key)) this.byKey.set(key, make());
    return this.byKey.get(key) as T;
  }

  async createCustomer(input: { workspaceId: string }, idempotencyKey: string) {
    return this.once(`customer:${idempotencyKey}`, () => {
      const id = `cus_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
      this.customers.set(id, { workspaceId: input.workspaceId });
      return { id };
    });
  }

  async createCreditPackCheckout(
    input: Parameters<StripeGateway['createCreditPackCheckout']>[0],
    idempotencyKey: string,
  ) {
    return this.once(`checkout:${idempotencyKey}`, () => {
      if (!this.customers.has(input.customerId))
        throw new Error(`No such customer: '${input.customerId}'`);
      const id = `cs_test_${randomUUID().replace(/-/g, '')}`;
      this.checkouts.set(id, {
        customerId: input.customerId,
        amountCents: microsToCents(input.amountMicros),
        metadata: input.metadata,
      });
      return { id, url: `https://checkout.stripe.test/c/pay/${id}` };
    });
  }

  async createPortalSession(input: { customerId: string; returnUrl: string }) {
    if (!this.customers.has(input.customerId))
      throw new Error(`No such customer: '${input.customerId}'`);
    return { url: `https://billing.stripe.test/p/session/${randomUUID()}` };
  }

  async chargeSaved(input: Parameters<StripeGateway['chargeSaved']>[0], idempotencyKey: string) {
    return this.once(`charge:${idempotencyKey}`, () => {
      if (!this.customers.has(input.customerId))
        throw new Error(`No such customer: '${input.customerId}'`);
      const id = `pi_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
      this.charges.set(id, {
        customerId: input.customerId,
        amountCents: microsToCents(input.amountMicros),
      });
      return { id, status: 'succeeded' };
    });
  }
}
