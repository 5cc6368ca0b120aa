import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '../nats/nats-client';

/** A NATS connection for a test (a fake responder, a reader of streams). */
export function connectTestNats(natsUrl: string): Promise<NatsConnection> {
  return connect({ servers: natsUrl });
}

export interface StreamMessage {
  subject: string;
  msgId: string | undefined;
  data: Record<string, unknown>;
}

/** Every message a JetStream stream holds now (an ordered, ephemeral consumer from the start). */
export async function readStream(natsUrl: string, stream: string): Promise<StreamMessage[]> {
  const nc = await connectTestNats(natsUrl);
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
