import type { StripeGateway } from './stripe-gateway';

/**
 * What every StripeGateway must do, run against the SDK on stripe-mock and against the fake.
 * stripe-mock answers with fixtures and keeps no state, so these check wire shapes and what each
 * call returns, not what a later call sees (the fake's own suite covers that).
 */
export function stripeGatewayConformance(
  name: string,
  make: () => Promise<StripeGateway> | StripeGateway,
): void {
  describe(`StripeGateway conformance: ${name}`, () => {
    let gateway: StripeGateway;
    beforeAll(async () => {
      gateway = await make();
    });

    it('creates a customer', async () => {
      const c = await gateway.createCustomer(
        { workspaceId: '7d3f1c2e-0000-4000-8000-000000000001' },
        'customer:ws-1',
      );
      expect(c.id).toMatch(/^cus_/);
    });

    it('creates a Checkout session for a credit pack, with a URL to send the user to', async () => {
      const customer = await gateway.createCustomer(
        { workspaceId: '7d3f1c2e-0000-4000-8000-000000000002' },
        'customer:ws-2',
      );
      const s = await gateway.createCreditPackCheckout(
        {
          customerId: customer.id,
          amountMicros: 20_000_000,
          description: '20 USD of credit',
          successUrl: 'https://app.example.com/billing?paid=1',
          cancelUrl: 'https://app.example.com/billing',
          metadata: { workspaceId: '7d3f1c2e-0000-4000-8000-000000000002', pack: 'credit-20' },
        },
        'checkout:ws-2:1',
      );
      expect(s.id).toMatch(/^cs_/);
      expect(s.url).toMatch(/^https:\/\//);
    });

    it('creates a Customer Portal session', async () => {
      const customer = await gateway.createCustomer(
        { workspaceId: '7d3f1c2e-0000-4000-8000-000000000003' },
        'customer:ws-3',
      );
      const p = await gateway.createPortalSession({
        customerId: customer.id,
        returnUrl: 'https://app.example.com/billing',
      });
      expect(p.url).toMatch(/^https:\/\//);
    });

    it('charges the saved payment method off-session', async () => {
      const customer = await gateway.createCustomer(
        { workspaceId: '7d3f1c2e-0000-4000-8000-000000000004' },
        'customer:ws-4',
      );
      const charge = await gateway.chargeSaved(
        {
          customerId: customer.id,
          amountMicros: 10_000_000,
          description: 'auto-recharge',
          metadata: { n: '1' },
        },
        'recharge:ws-4:1',
      );
      expect(charge.id).toMatch(/^pi_/);
      expect(typeof charge.status).toBe('string');
    });

    it('refuses an amount that is not whole cents before calling Stripe', async () => {
      const customer = await gateway.createCustomer(
        { workspaceId: '7d3f1c2e-0000-4000-8000-000000000005' },
        'customer:ws-5',
      );
      await expect(
        gateway.chargeSaved(
          { customerId: customer.id, amountMicros: 1_234, description: 'x', metadata: {} },
          'recharge:ws-5:1',
        ),
      ).rejects.toThrow(/whole number of cents/);
    });
  });
}
