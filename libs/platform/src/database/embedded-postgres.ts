import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeBatchesExclusive } from './exclusive-batches';

/**
 * Embedded Postgres for the one-machine topology and tests: PGlite (Postgres 18 in WASM) with the
 * pgvector extension, served over the Postgres wire protocol on loopback, so services reach it
 * through the same `pg`/TypeORM code path as a real server. Data lives in `dataDir` and survives
 * restarts; an empty `dataDir` (undefined) keeps it in memory.
 *
 * The server multiplexes ONE database session over all its connections: while a connection is
 * inside a transaction, the others wait. Code must never wait on a second connection while holding
 * a transaction open, and must not rely on session state (SET search_path, temp tables): every
 * statement here is schema-qualified.
 */
export interface EmbeddedPostgresOptions {
  dataDir?: string;
  host?: string;
  port?: number;
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  // ESM-only at the top level: loaded lazily so services with DATABASE_URL never touch them.
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
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  makeBatchesExclusive(server);
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
