import type { PlatformConfig } from '../config/config';
import { startNats, type NatsServer } from '../testing/processes';
import { connectNats, JetStreamService } from './nats';
import type { NatsConnection } from './nats-client';

/**
 * The NATS the stack runs (tools/start/nats-server.conf, the server built by go-tools.sh): every
 * JetStream write is fsynced before it is acknowledged, and a crashed server comes back with every
 * acknowledged message and its de-duplication window, so a publisher retrying after the crash
 * does not count twice.
 */
describe("JetStream durability (the stack's nats-server)", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({
      NATS_URL: nats.url,
      SERVICE_NAME: 'durability-test',
    } as PlatformConfig);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('fsyncs every write (sync_interval: always)', async () => {
    const varz = (await (await fetch(`${nats.monitorUrl}/varz`)).json()) as {
      jetstream: { config: { sync_always?: boolean } };
    };
    expect(varz.jetstream.config.sync_always).toBe(true);
  });

  it('keeps acknowledged messages and their ids across a crash, and the client reconnects', async () => {
    const js = new JetStreamService(nc);
    await js.ensureStream({ name: 'DURABLE', subjects: ['durable.>'] });
    for (let i = 0; i < 20; i++) await js.publish('durable.usage', { i }, `usage-${i}`);

    await nats.restart('SIGKILL');

    // the same connection reconnects by itself; a retried publish is still recognised
    const again = await retry(() => js.publish('durable.usage', { i: 7 }, 'usage-7'));
    expect(again.duplicate).toBe(true);
    const fresh = await js.publish('durable.usage', { i: 20 }, 'usage-20');
    expect(fresh).toEqual({ seq: 21, duplicate: false });
  }, 30_000);
});

/** The first publishes after a restart can race the client's reconnect. */
async function retry<T>(attempt: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
