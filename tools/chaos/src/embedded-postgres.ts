/*
 * The embedded Postgres of the platform (PGlite + pgvector behind @electric-sql/pglite-socket),
 * with one fix this stack needs: pglite-socket 0.2.17 serializes connections only inside
 * transactions, message by message otherwise. The extended query protocol (Parse, Bind, Describe,
 * Execute … Sync) of two connections then interleaves in PGlite's single session, and a query runs
 * with another connection's statement or parameters ("portal \"\" does not exist", "bind message
 * supplies 3 parameters, but prepared statement \"\" requires 2", wrong rows). Here a connection
 * keeps the session from its first extended-protocol message to its Sync, as it already does from
 * BEGIN to COMMIT, and a connection that dies in between releases it.
 *
 * Candidate for @postmagiq/platform (startEmbeddedPostgres): it affects every multi-connection
 * client of the embedded server, the one-machine stack included.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Frontend message types of an extended-protocol cycle, which lasts until Sync ('S'). */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

/** The parts of pglite-socket's (private) QueryQueueManager this patch replaces. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    exec(sql: string): Promise<unknown>;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(
      message: Uint8Array,
      opts: { onRawData(data: Uint8Array): void },
    ): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

function serializeExtendedProtocol(q: QueryQueue): void {
  let midCycle = false;
  q.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let item: QueuedMessage | undefined;
        if ((midCycle || this.db.isInTransaction()) && this.lastHandlerId !== null) {
          const at = this.queue.findIndex((m) => m.handlerId === this.lastHandlerId);
          // the session belongs to a connection that has not sent its next message yet: wait for it
          if (at === -1) break;
          item = this.queue.splice(at, 1)[0];
        } else {
          item = this.queue.shift();
        }
        if (!item) break;
        const current = item;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (err) {
          current.reject(err);
          continue;
        }
        this.lastHandlerId = current.handlerId;
        midCycle = EXTENDED.has(current.message[0] ?? 0);
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  q.clearTransactionIfNeeded = async function clearTransactionIfNeeded(
    this: QueryQueue,
    handlerId: number,
  ) {
    if (this.lastHandlerId !== handlerId) return;
    midCycle = false;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.lastHandlerId = null;
    await this.processQueue();
  };
}

export interface SerializedEmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSerializedEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<SerializedEmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: 256,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a private field of pglite-socket, patched on purpose (see above)
  serializeExtendedProtocol((server as any).queryQueue as QueryQueue);
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
