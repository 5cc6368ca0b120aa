import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  ensureSchema,
  generateMigrationSource,
  ServiceDatabaseOptions,
  serviceDataSourceOptions,
} from './database';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * What a service's `migrations/generate.ts` does: writes into `dir` a migration for whatever the
 * entities declare that the migrations do not yet create, computed against a fresh embedded
 * Postgres with every existing migration applied. `name` is PascalCase; the file is
 * `<timestamp>-<name>.ts`, and the caller adds the class to its migrations list.
 */
export async function generateServiceMigration(
  database: ServiceDatabaseOptions,
  name: string | undefined,
  dir: string,
): Promise<string | null> {
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name))
    throw new Error('usage: generate.ts <PascalCaseName>');
  const pg = await startEmbeddedPostgres();
  try {
    await ensureSchema(pg.url, database.schema);
    const ds = new DataSource(serviceDataSourceOptions(pg.url, database, 2));
    await ds.initialize();
    try {
      await ds.runMigrations();
      const ts = Date.now();
      const source = await generateMigrationSource(ds, `${name}${ts}`);
      if (!source) return null;
      const file = join(dir, `${ts}-${name}.ts`);
      writeFileSync(file, source);
      return file;
    } finally {
      await ds.destroy();
    }
  } finally {
    await pg.stop();
  }
}

/** The command-line wrapper of `generateServiceMigration`, for a service's `generate.ts`. */
export function runMigrationGenerator(
  database: ServiceDatabaseOptions,
  listName: string,
  dir: string,
): void {
  generateServiceMigration(database, process.argv[2], dir)
    .then((file) =>
      process.stdout.write(
        file
          ? `wrote ${file}; add it to ${listName} in migrations/index.ts\n`
          : 'no changes: entities and migrations agree\n',
      ),
    )
    .catch((e: Error) => {
      process.stderr.write(`${e?.stack ?? String(e)}\n`);
      process.exit(1);
    });
}
