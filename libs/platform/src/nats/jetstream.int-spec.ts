import { spawn } from 'node:child_process';
import { goTool } from '../testing/go-tools';
import { freePort, waitForPort } from '../testing/processes';
import { connectNats, JetStreamService } from './nats';
import type { PlatformConfig } from '../config/config';

/**
 * A NATS server without JetStream (Debian's packaged service runs like this) must stop a service
 * with a message saying what is wrong and what to do, not a bare protocol error.
 */
describe('JetStream on a NATS server without it', () => {
  it('names the server and asks for -js', async () => {
    const port = await freePort();
    const server = spawn(goTool('nats-server'), ['-a', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    try {
      await waitForPort(port);
      const nc = await connectNats({
        NATS_URL: `nats://127.0.0.1:${port}`,
        SERVICE_NAME: 'test',
      } as PlatformConfig);
      const js = new JetStreamService(nc);
      try {
        await expect(js.ensureStream({ name: 'probe', subjects: ['probe.>'] })).rejects.toThrow(
          new RegExp(`NATS at 127\\.0\\.0\\.1:${port} offers no JetStream .*started with -js`),
        );
      } finally {
        await nc.close();
      }
    } finally {
      server.kill('SIGTERM');
    }
  });
});
