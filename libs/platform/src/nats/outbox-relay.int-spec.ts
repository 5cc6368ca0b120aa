import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { Column, CreateDateColumn, DataSource, Entity, PrimaryColumn } from 'typeorm';
import type { PlatformConfig } from '../config/config';
import { contextToHeaders, RequestContext } from '../context/request-context';
import { startTestInfra, type TestInfra } from '../testing/processes';
import { connectNats, JetStreamService } from './nats';
import type { NatsConnection } from './nats-client';
import { OutboxRelay } from './outbox-relay';

@Entity({ name: 'outbox', schema: 'relay_test' })
class TestOutbox {
  @PrimaryColumn('uuid') id!: string;
  @Column('varchar') subject!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('jsonb', { default: () => "'{}'" }) headers!: Record<string, string>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
}

const STREAM = 'RELAY_TEST';

/** The transactional outbox relay against real NATS JetStream and the embedded Postgres. */
describe('OutboxRelay', () => {
  let infra: TestInfra;
  let ds: DataSource;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let relay: OutboxRelay<TestOutbox>;
  let jetstream: JetStreamService;

  beforeAll(async () => {
    infra = await startTestInfra();
    ds = new DataSource({ type: 'postgres', url: infra.databaseUrl, entities: [TestOutbox] });
    await ds.initialize();
    await ds.query('CREATE SCHEMA IF NOT EXISTS relay_test');
    await ds.synchronize();
    nc = await connectNats({ NATS_URL: infra.natsUrl, SERVICE_NAME: 'test' } as PlatformConfig);
    jsm = await jetstreamManager(nc);
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await ds?.destroy();
    await infra?.stop();
  });

  beforeEach(async () => {
    await ds.getRepository(TestOutbox).clear();
    await jsm.streams.delete(STREAM).catch(() => undefined);
    jetstream = new JetStreamService(nc);
    relay = new OutboxRelay(jetstream, {
      name: 'TestOutbox',
      stream: { name: STREAM, subjects: ['relay.test.>'] },
      repository: () => ds.getRepository(TestOutbox),
      intervalMs: 60_000, // passes only when asked, so each test decides when one runs
    });
  });

  afterEach(() => relay.stop());

  /** Writes an event the way a service does: a row in the request context of the change. */
  async function write(
    subject: string,
    payload: Record<string, unknown>,
    requestId: string,
  ): Promise<string> {
    const id = randomUUID();
    await RequestContext.run({ requestId, workspaceId: 'ws-1' }, () =>
      ds.query(
        'INSERT INTO relay_test.outbox (id, subject, payload, headers) VALUES ($1, $2, $3::jsonb, $4::jsonb)',
        [id, subject, JSON.stringify(payload), JSON.stringify(contextToHeaders())],
      ),
    );
    return id;
  }

  async function stored(): Promise<
    Array<{
      subject: string;
      data: unknown;
      msgId?: string;
      requestId?: string;
      workspaceId?: string;
    }>
  > {
    const { state } = await jsm.streams.info(STREAM);
    const out = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(STREAM, { seq });
      if (!m) continue;
      out.push({
        subject: m.subject,
        data: m.json(),
        msgId: m.header?.get('Nats-Msg-Id'),
        requestId: m.header?.get('x-request-id'),
        workspaceId: m.header?.get('x-workspace-id'),
      });
    }
    return out;
  }

  it('publishes the pending rows oldest first, with their ids as message ids and their request context, and marks them', async () => {
    const first = await write('relay.test.a', { n: 1 }, 'req-1');
    const second = await write('relay.test.b', { n: 2 }, 'req-2');
    await relay.start(); // declares the stream and runs a first pass
    await relay.flush();

    expect(await stored()).toEqual([
      {
        subject: 'relay.test.a',
        data: { n: 1 },
        msgId: first,
        requestId: 'req-1',
        workspaceId: 'ws-1',
      },
      {
        subject: 'relay.test.b',
        data: { n: 2 },
        msgId: second,
        requestId: 'req-2',
        workspaceId: 'ws-1',
      },
    ]);
    const rows = await ds.getRepository(TestOutbox).find();
    expect(rows.every((r) => r.publishedAt instanceof Date)).toBe(true);
  });

  it('publishes a row twice at most once: a crash between the publish and the mark changes nothing', async () => {
    const id = await write('relay.test.a', { n: 1 }, 'req-1');
    await relay.start();
    await relay.flush();
    // as if the process died after JetStream's ack and before the row was marked
    await ds.getRepository(TestOutbox).update(id, { publishedAt: null });
    await relay.flush();

    expect((await stored()).map((m) => m.msgId)).toEqual([id]);
    expect((await ds.getRepository(TestOutbox).findOneByOrFail({ id })).publishedAt).toBeInstanceOf(
      Date,
    );
  });

  it('keeps a row it could not publish for a later pass, and asks during a pass coalesce', async () => {
    await relay.start();
    // no stream takes this subject: JetStream refuses it, so the row must stay pending
    const refused = await write('relay.elsewhere', { n: 0 }, 'req-0');
    await relay.flush();
    expect(
      (await ds.getRepository(TestOutbox).findOneByOrFail({ id: refused })).publishedAt,
    ).toBeNull();

    // the stream now takes it: the next pass publishes it, and a burst of asks is served
    await jsm.streams.update(STREAM, { subjects: ['relay.test.>', 'relay.elsewhere'] });
    const later = await write('relay.test.b', { n: 1 }, 'req-1');
    const publish = jest.spyOn(jetstream, 'publish');
    await Promise.all([relay.flush(), relay.flush(), relay.flush()]);
    // one pass published both rows and the asks made meanwhile ran one more pass that found none:
    // three passes side by side would have published them up to three times (JetStream hiding it)
    expect(publish.mock.calls.map((call) => call[2])).toEqual([refused, later]);
    expect((await stored()).map((m) => m.msgId)).toEqual([refused, later]);
  });

  it("publishes under the message id the service's rows name", async () => {
    await relay.stop();
    relay = new OutboxRelay(jetstream, {
      name: 'TestOutbox',
      stream: { name: STREAM, subjects: ['relay.test.>'] },
      repository: () => ds.getRepository(TestOutbox),
      msgId: (row) => `run-finished.${row.id}`,
      intervalMs: 60_000,
    });
    const id = await write('relay.test.a', { n: 1 }, 'req-1');
    await relay.start();
    await relay.flush();
    expect((await stored()).map((m) => m.msgId)).toEqual([`run-finished.${id}`]);
  });
});
