/*
 * Writes a migration for whatever the entities declare that the migrations do not yet create.
 * usage: node -r @swc-node/register services/orchestration/src/migrations/generate.ts <PascalCaseName>
 */
import { runMigrationGenerator } from '@postmagiq/platform';
import { ORCHESTRATION_DB, ORCHESTRATION_ENTITIES, ORCHESTRATION_SCHEMA } from '../entities';
import { ORCHESTRATION_MIGRATIONS } from './index';

runMigrationGenerator(
  {
    name: ORCHESTRATION_DB,
    schema: ORCHESTRATION_SCHEMA,
    entities: ORCHESTRATION_ENTITIES,
    migrations: ORCHESTRATION_MIGRATIONS,
  },
  'ORCHESTRATION_MIGRATIONS',
  __dirname,
);
