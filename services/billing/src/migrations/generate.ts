/*
 * Writes a migration for whatever the entities declare that the migrations do not yet create.
 * usage: node -r @swc-node/register services/billing/src/migrations/generate.ts <PascalCaseName>
 */
import { runMigrationGenerator } from '@postmagiq/platform';
import { BILLING_DB, BILLING_ENTITIES, BILLING_SCHEMA } from '../entities';
import { BILLING_MIGRATIONS } from './index';

runMigrationGenerator(
  {
    name: BILLING_DB,
    schema: BILLING_SCHEMA,
    entities: BILLING_ENTITIES,
    migrations: BILLING_MIGRATIONS,
  },
  'BILLING_MIGRATIONS',
  __dirname,
);
