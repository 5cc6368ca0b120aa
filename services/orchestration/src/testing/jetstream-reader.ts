import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import * as transport from '@nats-io/transport-node';

const connect = (
  transport as unknown as { connect(o: { servers: string }): Promise<NatsConnection> }
).connect;

export interface StreamMessage {
  subject: string;
  msgId: string | undefined;
  data: Record<string, unknown>;
}

/** Every message a JetStream stream holds now (an ordered, ephemeral consumer from the start). */
export async function readStream(natsUrl: string, stream: string): Promise<StreamMessage[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const js = jetstream(nc);
    const consumer = await js.consumers.get(stream);
    const out: StreamMessage[] = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
      let n = 0;
      for await (const m of batch) {
        n += 1;
        out.push({
          subject: m.subject,
          msgId: m.headers?.get('Nats-Msg-Id') || undefined,
          data: m.json<Record<string, unknown>>(),
        });
      }
      if (n === 0) return out;
    }
  } finally {
    await nc.close();
  }
}
