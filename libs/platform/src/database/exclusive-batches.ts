/*
 * A fix for @electric-sql/pglite-socket 0.2.x's query queue, applied to every embedded server.
 *
 * PGlite is ONE database session. The socket server serialises single protocol MESSAGES from all
 * connections and gives a connection exclusivity only while it is inside a transaction. A client's
 * extended-protocol batch (Parse, Bind, Describe, Execute, Sync) can therefore interleave with
 * another connection's statements: the other Parse replaces the unnamed statement and the first
 * fails with "bind message supplies 1 parameters, but prepared statement requires 2", "unnamed
 * prepared statement does not exist" or "portal \"\" does not exist". It happens as soon as one
 * connection runs a transaction while others run parameterised queries — that is, whenever two
 * services or two replicas share the embedded server. (The upstream queue would also stop for good
 * if executing a message threw: it returns without clearing its `processing` flag.)
 *
 * The replacement makes a batch exclusive from its first extended-protocol message to its Sync, the
 * way the queue already does for transactions, and keeps going after a throw. It patches a
 * private field, so the version of @electric-sql/pglite-socket is pinned exactly in package.json
 * and embedded-postgres.int-spec.ts reproduces the interleaving against the real server.
 */

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

/** Replaces the server's query-queue scheduling; call before `start()`. */
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
