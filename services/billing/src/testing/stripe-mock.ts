import { findBinary, freePort, waitForPort } from '@postmagiq/platform/testing';
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SdkStripeGateway } from '../stripe/sdk-stripe-gateway';

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

/** stripe-mock on a free 127.0.0.1 port, and the SDK gateway pointed at it. */
export async function startStripeMock(): Promise<{
  gateway: SdkStripeGateway;
  stop: () => void;
}> {
  const port = await freePort();
  const mock: ChildProcess = spawn(
    stripeMockBinary(),
    ['-http-addr', `127.0.0.1:${port}`, '-strict-version-check'],
    { stdio: 'ignore' },
  );
  await waitForPort(port);
  return {
    gateway: SdkStripeGateway.create('sk_test_123', { host: '127.0.0.1', port, protocol: 'http' }),
    stop: () => mock.kill('SIGTERM'),
  };
}
