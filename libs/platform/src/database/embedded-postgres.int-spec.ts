import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedPostgresProcess } from '../testing/processes';

/**
 * The embedded server multiplexes one PGlite session over many connections. Services share it
 * (and replicas share it in tests): one connection's transaction must never tear another
 * connection's parameterised statement apart. See exclusive-batches.ts.
 */
describe('the embedded Postgres server', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedPostgresProcess>>;
  let pool: Pool;

  beforeAll(async () => {
    server = await startEmbeddedPostgresProcess();
    pool = new Pool({ connectionString: server.url, max: 6 });
    await pool.query(
      'CREATE TABLE IF NOT EXISTS public.ledger (id int PRIMARY KEY, note text NOT NULL)',
    );
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  it('keeps parameterised queries whole while another connection runs transactions', async () => {
    const writer = async () => {
      for (let i = 0; i < 40; i++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO public.ledger (id, note) VALUES ($1, $2)', [
            i,
            `entry ${i}`,
          ]);
          await client.query('UPDATE public.ledger SET note = $2 WHERE id = $1', [
            i,
            `entry ${i} checked`,
          ]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    };
    const reader = async (offset: number) => {
      const sums: number[] = [];
      for (let i = 0; i < 80; i++) {
        const { rows } = await pool.query<{ sum: number; label: string }>(
          'SELECT $1::int + $2::int AS sum, $3::text AS label',
          [i, offset, `r${offset}`],
        );
        expect(rows[0]?.label).toBe(`r${offset}`);
        sums.push(rows[0]?.sum ?? -1);
      }
      return sums;
    };

    const [, a, b, c] = await Promise.all([writer(), reader(1000), reader(2000), reader(3000)]);

    expect(a).toEqual(Array.from({ length: 80 }, (_, i) => i + 1000));
    expect(b).toEqual(Array.from({ length: 80 }, (_, i) => i + 2000));
    expect(c).toEqual(Array.from({ length: 80 }, (_, i) => i + 3000));
    const { rows } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM public.ledger WHERE note LIKE '% checked'",
    );
    expect(Number(rows[0]?.n)).toBe(40);
  }, 120_000);

  it('keeps serving after a statement fails', async () => {
    await expect(
      pool.query('SELECT * FROM public.no_such_table WHERE id = $1', [1]),
    ).rejects.toThrow('relation "public.no_such_table" does not exist');
    const { rows } = await pool.query<{ one: number }>('SELECT $1::int AS one', [1]);
    expect(rows[0]?.one).toBe(1);
  });
});

describe('the embedded Postgres with a data folder', () => {
  it('keeps tables, rows and pgvector data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pmq-pgdata-'));
    const session = async <T>(fn: (pool: Pool) => Promise<T>): Promise<T> => {
      const server = await startEmbeddedPostgresProcess(dataDir);
      const pool = new Pool({ connectionString: server.url, max: 2 });
      try {
        return await fn(pool);
      } finally {
        await pool.end();
        await server.stop();
      }
    };
    try {
      await session(async (pool) => {
        await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
        await pool.query(
          'CREATE TABLE public.notes (id int PRIMARY KEY, body text NOT NULL, embedding vector(3))',
        );
        await pool.query(
          "INSERT INTO public.notes VALUES (1, 'kept', '[1,0,0]'), (2, 'also kept', '[0,1,0]')",
        );
      });
      const rows = await session(
        async (pool) =>
          (
            await pool.query<{ id: number; body: string }>(
              "SELECT id, body FROM public.notes ORDER BY embedding <-> '[0.9,0.1,0]' LIMIT 2",
            )
          ).rows,
      );
      expect(rows).toEqual([
        { id: 1, body: 'kept' },
        { id: 2, body: 'also kept' },
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
