import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  ClientNats,
  CustomStrategy,
  NatsOptions,
  NatsRecordBuilder,
  ServerNats,
  Transport,
} from '@nestjs/microservices';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  JetStreamClient,
  jetstreamManager,
  JetStreamManager,
  JsMsg,
  StreamConfig,
} from '@nats-io/jetstream';
import { connect, MsgHdrs, NatsConnection, natsHeaders } from './nats-client';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, Observable, timeout } from 'rxjs';
import { z } from 'zod';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { BackingServiceUnreachableError } from '../errors/unreachable';
import { contextFromHeaders, contextToHeaders, RequestContext } from '../context/request-context';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export async function connectNats(config: PlatformConfig): Promise<NatsConnection> {
  return connect({ servers: config.NATS_URL, name: config.SERVICE_NAME, maxReconnectAttempts: -1 });
}

/** Owns the process's NATS connection and closes it (draining) on shutdown. */
@Injectable()
export class NatsService implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) readonly connection: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection.isClosed())
      await this.connection.drain().catch(() => this.connection.close());
  }
}

function headersFromContext(): MsgHdrs | undefined {
  const values = contextToHeaders();
  const keys = Object.keys(values);
  if (keys.length === 0) return undefined;
  const h = natsHeaders();
  for (const k of keys) h.set(k, values[k] as string);
  return h;
}

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** File storage, and de-duplication by message id within this window. */
  duplicateWindowMs?: number;
}

export type EventHandler<T> = (payload: T, msg: JsMsg) => Promise<void>;

/**
 * JetStream events: streams are declared idempotently, every publish carries a message id
 * (JetStream drops a duplicate within the stream's window), and durable consumers survive
 * restarts. Handlers run inside the publisher's request context and validate what they receive.
 */
@Injectable()
export class JetStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger('JetStream');
  private readonly js: JetStreamClient;
  private jsm?: Promise<JetStreamManager>;
  private readonly stopping: Array<() => Promise<void>> = [];

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  private manager(): Promise<JetStreamManager> {
    this.jsm ??= jetstreamManager(this.nc).catch((e: Error) => {
      this.jsm = undefined;
      // the client's JetStreamNotEnabled class is not exported, its name is
      if (e.name !== 'JetStreamNotEnabled') throw e;
      // e.g. Debian's nats-server service, which runs without JetStream: say what to do
      throw new Error(
        `NATS at ${this.nc.getServer()} offers no JetStream (${e.message}); Postmagiq needs a ` +
          "nats-server started with -js (JetStream on). Debian's nats-server service does not " +
          'enable it: enable JetStream in its configuration, or stop it and let `npm start` run its own.',
      );
    });
    return this.jsm;
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    const jsm = await this.manager();
    const config: Partial<StreamConfig> & { name: string } = {
      name: spec.name,
      subjects: spec.subjects,
      duplicate_window: (spec.duplicateWindowMs ?? 2 * 60_000) * 1_000_000,
    };
    try {
      await jsm.streams.info(spec.name);
      await jsm.streams.update(spec.name, { subjects: spec.subjects });
    } catch {
      await jsm.streams.add(config);
    }
  }

  /** Publishes JSON with a message id; returns whether JetStream saw it as a duplicate. */
  async publish(
    subject: string,
    payload: unknown,
    msgId: string,
  ): Promise<{ seq: number; duplicate: boolean }> {
    const h = headersFromContext();
    const ack = await this.js.publish(subject, JSON.stringify(payload), {
      msgID: msgId,
      ...(h ? { headers: h } : {}),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /** Starts a durable consumer; messages failing validation are terminated, handler errors retried. */
  async consume<S extends z.ZodType>(
    stream: string,
    durable: string,
    filterSubjects: string[],
    schema: S,
    handler: EventHandler<z.infer<S>>,
  ): Promise<void> {
    const jsm = await this.manager();
    const filter =
      filterSubjects.length === 1
        ? { filter_subject: filterSubjects[0] }
        : { filter_subjects: filterSubjects };
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_deliver: 10,
        ack_wait: 30_000_000_000,
        ...filter,
      });
    }
    const consumer = await this.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: 64 });
    this.stopping.push(async () => {
      await messages.close();
    });
    void (async () => {
      for await (const m of messages) {
        const ctx = contextFromHeaders((n) => m.headers?.get(n) || undefined, randomUUID);
        await RequestContext.run(ctx, async () => {
          let data: unknown;
          try {
            data = m.json();
          } catch {
            this.logger.error(`${m.subject}#${m.seq}: not JSON, terminated`);
            m.term();
            return;
          }
          const parsed = schema.safeParse(data);
          if (!parsed.success) {
            this.logger.error(
              `${m.subject}#${m.seq}: invalid payload (${parsed.error.message}), terminated`,
            );
            m.term();
            return;
          }
          try {
            await handler(parsed.data, m);
            m.ack();
          } catch (e) {
            this.logger.warn(
              `${m.subject}#${m.seq}: handler failed (${(e as Error).message}), will retry`,
            );
            m.nak(1000);
          }
        });
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.stopping.map((s) => s().catch(() => undefined)));
  }
}

/**
 * What a request/reply failure says about reachability: Nest's client rejects with this string
 * while NATS is away, and a responder whose own database (or Redis, NATS) is away replies 503.
 */
function unreachable(e: unknown): boolean {
  if (typeof e === 'string') return /Connection lost/i.test(e);
  return (e as { status?: unknown } | null)?.status === 503;
}

const describe = (e: unknown): string =>
  typeof e === 'string' ? e : String((e as { message?: unknown } | null)?.message ?? e);

export const NATS_RPC_CLIENT = Symbol('NATS_RPC_CLIENT');

/** Options for `app.connectMicroservice`: request/reply handlers of one service, load-balanced by queue. */
export function natsMicroserviceOptions(config: PlatformConfig, queue: string): NatsOptions {
  return {
    transport: Transport.NATS,
    options: {
      servers: [config.NATS_URL],
      queue,
      name: `${config.SERVICE_NAME}-rpc`,
      // the client's default gives up after 10 attempts (~20 s), and a responder that gave up
      // never answers again: keep trying for as long as NATS is away
      maxReconnectAttempts: -1,
    },
  };
}

/**
 * The NATS request/reply (and event) server `createApp` connects: every message is handled inside
 * the caller's request context (request id, workspace id, … from its headers). Setting it here,
 * around Nest's RPC pipeline, rather than in a global interceptor keeps every HTTP request off
 * Nest's interceptor path (an rxjs pipeline per request).
 */
export class ContextServerNats extends ServerNats {
  override handleMessage(
    channel: string,
    natsMsg: { headers?: Pick<MsgHdrs, 'get'> },
  ): Promise<unknown> {
    const h = natsMsg.headers;
    const ctx = contextFromHeaders((n) => h?.get(n) || undefined, randomUUID);
    return RequestContext.run(ctx, () => super.handleMessage(channel, natsMsg));
  }
}

/** `natsMicroserviceOptions` as a ContextServerNats strategy, for `app.connectMicroservice`. */
export function natsMicroserviceStrategy(config: PlatformConfig, queue: string): CustomStrategy {
  return { strategy: new ContextServerNats(natsMicroserviceOptions(config, queue).options ?? {}) };
}

/** NATS request/reply through @nestjs/microservices, with context headers and a validated answer. */
@Injectable()
export class NatsRpcClient implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly proxy: ClientNats;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.proxy = new ClientNats({
      servers: [config.NATS_URL],
      name: `${config.SERVICE_NAME}-rpc-client`,
      maxReconnectAttempts: -1,
    });
  }

  async request<S extends z.ZodType>(
    subject: string,
    payload: unknown,
    schema: S,
    timeoutMs = 5000,
  ): Promise<z.infer<S>> {
    const h = headersFromContext() ?? natsHeaders();
    const record = new NatsRecordBuilder(payload).setHeaders(h).build();
    const answer$ = this.proxy.send<unknown>(subject, record) as Observable<unknown>;
    const answer = await firstValueFrom(answer$.pipe(timeout(timeoutMs))).catch((e: unknown) => {
      throw unreachable(e) ? new BackingServiceUnreachableError(`${subject}: ${describe(e)}`) : e;
    });
    return schema.parse(answer);
  }

  /**
   * Connects at boot, outside any request: connecting lazily inside the first request tied the
   * client's own lifetime (its status lines, e.g. the close at shutdown) to that request's context,
   * so they carried that request's ids.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.proxy.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
  }
}
