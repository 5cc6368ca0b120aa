/**
 * bench:vectors — nearest-neighbour search in the embedded Postgres (PGlite + pgvector, reached
 * over the Postgres wire protocol like the services reach it): an HNSW cosine index against an
 * exact scan on the same table and queries.
 *
 * The corpus is synthetic but shaped like embeddings of real writing: unit vectors drawn around
 * topic centres (BENCH_TOPICS of them) with per-dimension noise, so neighbours are mostly, not
 * always, of the same topic. It is generated inside Postgres from a fixed seed (no 200 MB of
 * vector literals over the socket). Queries are fresh draws from the same distribution and are
 * stored in a side table, so every timed statement is the same short SQL for both methods.
 *
 * Knobs: BENCH_ROWS (20000), BENCH_DIM (1536), BENCH_TOPICS (500), BENCH_NOISE (1.2),
 * BENCH_QUERIES (100), BENCH_EF_SEARCH (100, what the content service sets), BENCH_M (16),
 * BENCH_EF_CONSTRUCTION (64) (pgvector's defaults, as in the content migration).
 */
import { startEmbeddedPostgres } from '@postmagiq/platform';
import { Client } from 'pg';

const env = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};

const ROWS = Math.floor(env('BENCH_ROWS', 20_000));
const DIM = Math.floor(env('BENCH_DIM', 1536));
const TOPICS = Math.floor(env('BENCH_TOPICS', 500));
const NOISE = env('BENCH_NOISE', 1.2);
const QUERIES = Math.floor(env('BENCH_QUERIES', 100));
const EF_SEARCH = Math.floor(env('BENCH_EF_SEARCH', 100));
const M = Math.floor(env('BENCH_M', 16));
const EF_CONSTRUCTION = Math.floor(env('BENCH_EF_CONSTRUCTION', 64));
const K = 10;
const BATCH = 1000;

const SEARCH = `SELECT id FROM bench.items ORDER BY embedding <=> (SELECT embedding FROM bench.queries WHERE id = $1) LIMIT ${K}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

async function timedSearches(client: Client): Promise<{ ms: number[]; ids: number[][] }> {
  const ms: number[] = [];
  const ids: number[][] = [];
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    const res = await client.query<{ id: number }>(SEARCH, [q]);
    ms.push(performance.now() - started);
    ids.push(res.rows.map((r) => r.id));
  }
  return { ms, ids };
}

async function main(): Promise<void> {
  const started = performance.now();
  const pg = await startEmbeddedPostgres();
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    const ext = await client.query<{ extversion: string }>(
      `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
    );
    const version = await client.query<{ v: string }>(
      `SELECT current_setting('server_version') AS v`,
    );
    process.stdout.write(
      `bench:vectors — PGlite (PostgreSQL ${version.rows[0]?.v}) + pgvector ${ext.rows[0]?.extversion}, over the wire protocol\n` +
        `corpus: ${ROWS} rows × ${DIM} dims (${TOPICS} topics, noise ${NOISE}), ${QUERIES} queries, k = ${K}\n\n`,
    );

    await client.query(`CREATE SCHEMA bench`);
    await client.query(`CREATE TABLE bench.topics (id int PRIMARY KEY, centre float4[] NOT NULL)`);
    await client.query(
      `CREATE TABLE bench.items (id int PRIMARY KEY, embedding vector(${DIM}) NOT NULL)`,
    );
    await client.query(
      `CREATE TABLE bench.queries (id int PRIMARY KEY, embedding vector(${DIM}) NOT NULL)`,
    );
    await client.query(`SELECT setseed(0.42)`);
    let t = performance.now();
    // the correlated WHERE keeps Postgres from computing the sub-select once for all rows
    await client.query(
      `INSERT INTO bench.topics SELECT t, (SELECT array_agg(random_normal()::float4) FROM generate_series(1, ${DIM}) WHERE t >= 0)
       FROM generate_series(0, ${TOPICS - 1}) t`,
    );
    const draw = (table: string, from: number, to: number, topicOf: string) =>
      client.query(
        `INSERT INTO bench.${table}
         SELECT i, l2_normalize((SELECT array_agg(x + ${NOISE} * random_normal()) FROM unnest(t.centre) x WHERE i >= 0)::vector)
         FROM generate_series(${from}, ${to}) i JOIN bench.topics t ON t.id = ${topicOf}`,
      );
    for (let from = 0; from < ROWS; from += BATCH) {
      await draw('items', from, Math.min(ROWS, from + BATCH) - 1, `(i * 7919) % ${TOPICS}`);
    }
    await draw('queries', 0, QUERIES - 1, `(i * 104729 + 17) % ${TOPICS}`);
    await client.query(`ANALYZE bench.items`);
    const generateSeconds = (performance.now() - t) / 1000;
    process.stdout.write(`generated the corpus in ${generateSeconds.toFixed(1)} s\n`);

    // exact: a sequential scan computing every distance (no index exists yet)
    await timedSearches(client); // warm the table into the buffer cache
    const exact = await timedSearches(client);
    process.stdout.write(`exact scans done\n`);

    t = performance.now();
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(
      `CREATE INDEX items_hnsw ON bench.items USING hnsw (embedding vector_cosine_ops) WITH (m = ${M}, ef_construction = ${EF_CONSTRUCTION})`,
    );
    const buildSeconds = (performance.now() - t) / 1000;
    process.stdout.write(
      `HNSW built in ${buildSeconds.toFixed(1)} s (m = ${M}, ef_construction = ${EF_CONSTRUCTION})\n`,
    );

    await client.query(`SET hnsw.ef_search = ${EF_SEARCH}`);
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${SEARCH.replace('$1', '0')}`,
    );
    if (!plan.rows.some((r) => r['QUERY PLAN'].includes('items_hnsw')))
      throw new Error('the HNSW index is not used by the search');
    await timedSearches(client); // warm
    const hnsw = await timedSearches(client);

    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      const truth = new Set(exact.ids[q]);
      hits += (hnsw.ids[q] ?? []).filter((id) => truth.has(id)).length;
    }
    const recallAt10 = hits / (QUERIES * K);
    const exactP50 = percentile(exact.ms, 0.5);
    const exactP99 = percentile(exact.ms, 0.99);
    const hnswP50 = percentile(hnsw.ms, 0.5);
    const hnswP99 = percentile(hnsw.ms, 0.99);

    const rows = [
      ['method', 'p50 ms', 'p99 ms', 'recall@10', 'build s'],
      ['exact scan', exactP50.toFixed(2), exactP99.toFixed(2), '1.000', '-'],
      [
        `HNSW (ef_search ${EF_SEARCH})`,
        hnswP50.toFixed(2),
        hnswP99.toFixed(2),
        recallAt10.toFixed(3),
        buildSeconds.toFixed(1),
      ],
    ];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
    process.stdout.write('\n');
    for (const row of rows)
      process.stdout.write(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ') + '\n');
    const speedup = exactP99 / hnswP99;
    process.stdout.write(
      `\nspeed-up at p99: ${speedup.toFixed(1)}×   (target: recall@10 ≥ 0.95 and speed-up ≥ 10; total ${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
    );
    process.stdout.write(
      JSON.stringify({
        rows: ROWS,
        dim: DIM,
        hnswP99Ms: round(hnswP99),
        exactP99Ms: round(exactP99),
        recallAt10: round(recallAt10, 3),
        buildSeconds: round(buildSeconds, 1),
        speedup: round(speedup, 1),
      }) + '\n',
    );
  } finally {
    await client.end();
    await pg.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
