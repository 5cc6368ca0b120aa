/*
 * WORKAROUND (test-only) for a bug of @electric-sql/pglite-socket 0.2.17 as the platform uses it:
 * its query queue serialises single protocol MESSAGES, and gives a connection exclusivity only
 * inside a transaction. A client's extended-protocol batch (Parse, Bind, Describe, Execute, Sync)
 * can therefore interleave with another connection's statements; PGlite is one session, so the
 * other connection's Parse replaces the unnamed statement and the first fails with "bind message
 * supplies 1 parameters, but prepared statement requires 2", "unnamed prepared statement does not
 * exist" or "portal "" does not exist". It happens as soon as one connection runs a transaction
 * while others run parameterised queries (two orchestration replicas, or services side by side).
 *
 * The fix below makes a batch exclusive from its first extended-protocol message to its Sync, the
 * way the queue already does for transactions. It belongs in libs/platform's embedded-postgres.ts
 * (owned by another engineer); until it lands there, orchestration's suites start this server.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(
      message: Uint8Array,
      options: { onRawData(data: Uint8Array): void },
    ): Promise<void>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q' (simple protocol: self-contained)
const TERMINATE = 0x58; // 'X'
/** Parse, Bind, Describe, Execute, Close, Flush: they open (or continue) a batch that Sync closes. */
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

export function makeBatchesExclusive(server: unknown): void {
  const queue = (server as { queryQueue: QueryQueue }).queryQueue;
  let batchOwner: number | null = null;
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    if (batchOwner === handlerId) batchOwner = null;
    clear(handlerId);
  };
  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner =
          this.db.isInTransaction() && this.lastHandlerId !== null
            ? this.lastHandlerId
            : batchOwner;
        let item: QueuedMessage | undefined;
        if (owner !== null) {
          const index = this.queue.findIndex((q) => q.handlerId === owner);
          // the owner's next message has not arrived yet: wait for it (enqueue calls us again)
          if (index === -1) break;
          item = this.queue.splice(index, 1)[0];
        } else item = this.queue.shift();
        if (!item) break;
        const type = item.message[0] ?? 0;
        let bytes = 0;
        try {
          const current = item;
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          batchOwner = null;
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        if (type === SYNC || type === QUERY || type === TERMINATE) batchOwner = null;
        else if (EXTENDED.has(type)) batchOwner = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}

/** The platform's startEmbeddedPostgres, with batches made exclusive. */
export async function startBatchSafeEmbeddedPostgres(
  dataDir?: string,
): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let dir: string | undefined;
  if (dataDir) {
    dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
  }
  const db = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), extensions: { vector } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  makeBatchesExclusive(server);
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
