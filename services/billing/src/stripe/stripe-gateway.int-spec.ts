import { startStripeMock } from '../testing/stripe-mock';
import { FakeStripeGateway } from './fake-stripe-gateway';
import { stripeGatewayConformance } from './stripe-gateway.conformance';

jest.setTimeout(60_000);

let stop: (() => void) | undefined;

stripeGatewayConformance('the official SDK against stripe-mock', async () => {
  const mock = await startStripeMock();
  stop = mock.stop;
  return mock.gateway;
});

stripeGatewayConformance('the in-memory fake', () => new FakeStripeGateway());

describe('the in-memory fake', () => {
  it('answers a repeated idempotency key with the first result, as Stripe does', async () => {
    const fake = new FakeStripeGateway();
    const c = await fake.createCustomer({ workspaceId: 'w' }, 'customer:w');
    expect(await fake.createCustomer({ workspaceId: 'w' }, 'customer:w')).toEqual(c);
    const a = await fake.chargeSaved(
      { customerId: c.id, amountMicros: 5_000_000, description: 'x', metadata: {} },
      'recharge:w:1',
    );
    const b = await fake.chargeSaved(
      { customerId: c.id, amountMicros: 5_000_000, description: 'x', metadata: {} },
      'recharge:w:1',
    );
    expect(b).toEqual(a);
    expect(fake.charges.size).toBe(1);
  });
});

afterAll(() => {
  stop?.();
});
