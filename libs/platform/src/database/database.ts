import {
  DynamicModule,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { HealthRegistry } from '../observability/health';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

/**
 * The Postgres this process talks to: DATABASE_URL, or the embedded PGlite server started here
 * (one per process, shared by every service module of the one-machine topology).
 */
@Injectable()
export class DatabaseHost implements OnApplicationShutdown {
  constructor(
    readonly url: string,
    private readonly embedded?: EmbeddedPostgres,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}

export const databaseHostProvider: Provider = {
  provide: DatabaseHost,
  inject: [PLATFORM_CONFIG],
  useFactory: async (config: PlatformConfig) => {
    if (config.DATABASE_URL) return new DatabaseHost(config.DATABASE_URL);
    const dataDir = join(config.DATA_DIR, 'pg');
    const embedded = await startEmbeddedPostgres({ dataDir });
    new Logger('Database').log(
      `embedded Postgres (PGlite + pgvector) on ${embedded.url.replace(/\/\/.*@/, '//')} with data in ${dataDir}`,
    );
    return new DatabaseHost(embedded.url, embedded);
  },
};

export async function ensureSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

export interface ServiceDatabaseOptions {
  /** DataSource name (inject repositories with `@InjectRepository(Entity, name)`). */
  name: string;
  /** The service's own Postgres schema; services never read another's. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: MixedList<Function | string>;
}

export function serviceDataSourceOptions(
  url: string,
  options: ServiceDatabaseOptions,
  poolSize = 10,
) {
  return {
    type: 'postgres' as const,
    name: options.name,
    url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all' as const,
    synchronize: false,
    installExtensions: false,
    extra: { max: poolSize, application_name: options.name },
  };
}

/** TypeORM DataSource of one service: its schema, its entities, its migrations run at boot. */
@Module({})
export class ServiceDatabaseModule {
  static forService(options: ServiceDatabaseOptions): DynamicModule {
    const health: Provider = {
      provide: `${options.name}:database-health`,
      inject: [getDataSourceToken(options.name), HealthRegistry],
      useFactory: (ds: DataSource, registry: HealthRegistry) => {
        registry.register(`database:${options.name}`, () => ds.query('SELECT 1'));
        return true;
      },
    };
    return {
      module: ServiceDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: options.name,
          inject: [DatabaseHost, PLATFORM_CONFIG],
          useFactory: async (host: DatabaseHost, config: PlatformConfig) => {
            await ensureSchema(host.url, options.schema);
            return serviceDataSourceOptions(host.url, options, config.DATABASE_POOL_SIZE);
          },
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(
              dataSourceOptions as DataSourceOptions,
            ).initialize();
            await runMigrationsExclusively(dataSource, options.schema);
            return dataSource;
          },
        }),
        TypeOrmModule.forFeature(options.entities as never[], options.name),
      ],
      providers: [health],
      exports: [TypeOrmModule],
    };
  }
}

/**
 * Runs the pending migrations while holding a Postgres advisory lock named after the schema, so
 * replicas starting together (a Deployment's rollout, an HPA scaling out) migrate one at a time:
 * the first applies them, the others wait, then find nothing pending. The lock lives on its own
 * connection, which holds no transaction (the embedded server serialises transactions, not locks).
 */
export async function runMigrationsExclusively(
  dataSource: DataSource,
  schema: string,
): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  const key = `postmagiq.migrations.${schema}`;
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    await lock.release();
  }
}

/** SQL a `migration:generate` would emit now: empty when entities and migrations agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

/** Source of a TypeORM migration class for the pending changes (used by each service's generator). */
export async function generateMigrationSource(
  dataSource: DataSource,
  className: string,
): Promise<string | null> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) return null;
  const esc = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`');
  const up = sql.upQueries
    .map((q) => `    await queryRunner.query(\`${esc(q.query)}\`);`)
    .join('\n');
  const down = [...sql.downQueries]
    .reverse()
    .map((q) => `    await queryRunner.query(\`${esc(q.query)}\`);`)
    .join('\n');
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`;
}
