/*
 * Typed entry to the NATS client. `@nats-io/transport-node` re-exports its types through a
 * package `exports` subpath that the repository's `moduleResolution: node` cannot follow, so the
 * types come from nats-core's declaration file (type-only, erased at runtime) and the values from
 * the transport package.
 */
import type { ConnectionOptions, MsgHdrs, NatsConnection } from '@nats-io/nats-core/lib/mod';
import * as transport from '@nats-io/transport-node';

export type { MsgHdrs, NatsConnection };

const typed = transport as unknown as {
  connect(options: ConnectionOptions): Promise<NatsConnection>;
  headers(): MsgHdrs;
};

export const connect = (options: ConnectionOptions): Promise<NatsConnection> =>
  typed.connect(options);
export const natsHeaders = (): MsgHdrs => typed.headers();
