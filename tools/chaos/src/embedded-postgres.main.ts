/*
 * The serialized embedded Postgres as its own process (see embedded-postgres.ts). Prints one JSON
 * line `{"url": …}` when ready; stops on SIGTERM/SIGINT.
 */
import { startSerializedEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const pg = await startSerializedEmbeddedPostgres({
    ...(process.argv[2] ? { dataDir: process.argv[2] } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: pg.url, port: pg.port })}\n`);
  const stop = () => void pg.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
