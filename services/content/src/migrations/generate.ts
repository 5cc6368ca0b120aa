/*
 * Writes a migration for whatever the entities declare that the migrations do not yet create.
 * usage: node -r @swc-node/register services/content/src/migrations/generate.ts <PascalCaseName>
 */
import { runMigrationGenerator } from '@postmagiq/platform';
import { CONTENT_DB, CONTENT_ENTITIES, CONTENT_SCHEMA } from '../entities';
import { CONTENT_MIGRATIONS } from './index';

runMigrationGenerator(
  {
    name: CONTENT_DB,
    schema: CONTENT_SCHEMA,
    entities: CONTENT_ENTITIES,
    migrations: CONTENT_MIGRATIONS,
  },
  'CONTENT_MIGRATIONS',
  __dirname,
);
