/*
 * Runs the embedded Postgres server as its own process (tests and benchmarks start it this way, so
 * the WASM engine never shares an event loop with the code under test). Prints one JSON line
 * `{"url": …}` when it is ready; stops on SIGTERM/SIGINT or when its parent disconnects.
 * usage: node -r @swc-node/register embedded-postgres.main.ts [dataDir]
 */
import { startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const dataDir = process.argv[2] || undefined;
  const pg = await startEmbeddedPostgres({
    ...(dataDir ? { dataDir } : {}),
    port: Number(process.env['PG_PORT'] ?? 0),
  });
  process.stdout.write(JSON.stringify({ url: pg.url, port: pg.port }) + '\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await pg.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
