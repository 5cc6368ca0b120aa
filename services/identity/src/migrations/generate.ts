/*
 * Writes a migration for whatever the entities declare that the migrations do not yet create.
 * usage: node -r @swc-node/register services/identity/src/migrations/generate.ts <PascalCaseName>
 */
import { runMigrationGenerator } from '@postmagiq/platform';
import { IDENTITY_DB, IDENTITY_ENTITIES, IDENTITY_SCHEMA } from '../entities';
import { IDENTITY_MIGRATIONS } from './index';

runMigrationGenerator(
  {
    name: IDENTITY_DB,
    schema: IDENTITY_SCHEMA,
    entities: IDENTITY_ENTITIES,
    migrations: IDENTITY_MIGRATIONS,
  },
  'IDENTITY_MIGRATIONS',
  __dirname,
);
