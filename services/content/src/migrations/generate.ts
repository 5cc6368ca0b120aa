/*
 * Writes a migration for whatever the entities declare that the migrations do not yet create,
 * computed against a fresh embedded Postgres with all existing migrations applied.
 * usage: node -r @swc-node/register services/content/src/migrations/generate.ts <Name>
 */
import {
  ensureSchema,
  generateMigrationSource,
  serviceDataSourceOptions,
  startEmbeddedPostgres,
} from '@postmagiq/platform';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CONTENT_DB, CONTENT_ENTITIES, CONTENT_SCHEMA } from '../entities';
import { CONTENT_MIGRATIONS } from './index';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name))
    throw new Error('usage: generate.ts <PascalCaseName>');
  const pg = await startEmbeddedPostgres();
  try {
    await ensureSchema(pg.url, CONTENT_SCHEMA);
    const ds = new DataSource(
      serviceDataSourceOptions(
        pg.url,
        {
          name: CONTENT_DB,
          schema: CONTENT_SCHEMA,
          entities: CONTENT_ENTITIES,
          migrations: CONTENT_MIGRATIONS,
        },
        2,
      ),
    );
    await ds.initialize();
    await ds.runMigrations();
    const ts = Date.now();
    const source = await generateMigrationSource(ds, `${name}${ts}`);
    await ds.destroy();
    if (!source) {
      process.stdout.write('no changes: entities and migrations agree\n');
      return;
    }
    const file = join(__dirname, `${ts}-${name}.ts`);
    writeFileSync(file, source);
    process.stdout.write(`wrote ${file}; add it to CONTENT_MIGRATIONS in migrations/index.ts\n`);
  } finally {
    await pg.stop();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
