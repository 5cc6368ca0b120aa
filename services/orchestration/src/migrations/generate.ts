/*
 * Writes a migration for whatever the entities declare that the migrations do not yet create,
 * computed against a fresh embedded Postgres with all existing migrations applied.
 * usage: node -r @swc-node/register services/orchestration/src/migrations/generate.ts <Name>
 */
import {
  generateMigrationSource,
  serviceDataSourceOptions,
  ensureSchema,
} from '@postmagiq/platform';
import { startEmbeddedPostgres } from '@postmagiq/platform';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_DB, ORCHESTRATION_ENTITIES, ORCHESTRATION_SCHEMA } from '../entities';
import { ORCHESTRATION_MIGRATIONS } from './index';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name))
    throw new Error('usage: generate.ts <PascalCaseName>');
  const pg = await startEmbeddedPostgres();
  try {
    await ensureSchema(pg.url, ORCHESTRATION_SCHEMA);
    const ds = new DataSource(
      serviceDataSourceOptions(
        pg.url,
        {
          name: ORCHESTRATION_DB,
          schema: ORCHESTRATION_SCHEMA,
          entities: ORCHESTRATION_ENTITIES,
          migrations: ORCHESTRATION_MIGRATIONS,
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
    process.stdout.write(
      `wrote ${file}; add it to ORCHESTRATION_MIGRATIONS in migrations/index.ts\n`,
    );
  } finally {
    await pg.stop();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
