import { freePort, goTool, waitForPort } from '@postmagiq/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { SdkStripeGateway } from '../stripe/sdk-stripe-gateway';

/** stripe-mock v0.203.0 (tools/setup/go-tools.sh) on a free 127.0.0.1 port, and the SDK gateway on it. */
export async function startStripeMock(): Promise<{
  gateway: SdkStripeGateway;
  stop: () => void;
}> {
  const port = await freePort();
  const mock: ChildProcess = spawn(
    goTool('stripe-mock'),
    ['-http-addr', `127.0.0.1:${port}`, '-strict-version-check'],
    { stdio: 'ignore' },
  );
  await waitForPort(port);
  return {
    gateway: SdkStripeGateway.create('sk_test_123', { host: '127.0.0.1', port, protocol: 'http' }),
    stop: () => mock.kill('SIGTERM'),
  };
}
