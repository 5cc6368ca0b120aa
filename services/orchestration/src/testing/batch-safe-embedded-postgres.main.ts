/*
 * The batch-safe embedded Postgres (see batch-safe-embedded-postgres.ts) as its own process, like
 * the platform's embedded-postgres.main.ts: prints `{"url": …}` when ready, stops on SIGTERM.
 */
import { startBatchSafeEmbeddedPostgres } from './batch-safe-embedded-postgres';

async function main(): Promise<void> {
  const pg = await startBatchSafeEmbeddedPostgres(process.argv[2] || undefined);
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
