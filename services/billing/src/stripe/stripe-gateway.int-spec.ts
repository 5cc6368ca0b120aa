import { findBinary, freePort, waitForPort } from '@postmagiq/platform/testing';
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeStripeGateway } from './fake-stripe-gateway';
import { SdkStripeGateway } from './sdk-stripe-gateway';
import { stripeGatewayConformance } from './stripe-gateway.conformance';

jest.setTimeout(60_000);

/** stripe-mock v0.203.0, built by tools/setup/go-tools.sh (which prints its path). */
function stripeMockBinary(): string {
  const out = execFileSync(
    'bash',
    [join(__dirname, '../../../../tools/setup/go-tools.sh'), 'stripe-mock'],
    { encoding: 'utf8' },
  );
  const line = out.split('\n').find((l) => l.startsWith('stripe-mock='));
  return line ? line.slice('stripe-mock='.length) : findBinary('stripe-mock', []);
}

let mock: ChildProcess | undefined;

stripeGatewayConformance('the official SDK against stripe-mock', async () => {
  const port = await freePort();
  mock = spawn(stripeMockBinary(), ['-http-addr', `127.0.0.1:${port}`, '-strict-version-check'], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  return SdkStripeGateway.create('sk_test_123', { host: '127.0.0.1', port, protocol: 'http' });
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
  mock?.kill('SIGTERM');
});
