import {
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { NatsConnection } from './nats/nats-client';
import { AccessGuard } from './auth/access.guard';
import { AccessTokenVerifierProvider } from './auth/token-verifier';
import { loadPlatformConfig, PLATFORM_CONFIG, PlatformConfig } from './config/config';
import { databaseHostProvider, DatabaseHost } from './database/database';
import { ProblemFilter } from './errors/problem';
import { createRootLogger, flushLogs, ROOT_LOGGER } from './logging/logger';
import {
  connectNats,
  JetStreamService,
  NATS_CONNECTION,
  NatsRpcClient,
  NatsService,
} from './nats/nats';
import { HealthController, HealthRegistry } from './observability/health';
import { MetricsController, MetricsService } from './observability/metrics';
import { queueRootModule } from './queues/queues';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RedisService } from './redis/redis';

/** The environment every module of this process reads its configuration from. */
export const PLATFORM_ENV = Symbol('PLATFORM_ENV');

export interface PlatformModuleOptions {
  /** Defaults to process.env; tests pass their own. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Everything a service stands on, once per process: configuration, logging, Redis, NATS +
 * JetStream, BullMQ's connection, the database host (embedded when DATABASE_URL is unset), the
 * global access guard with rate limits, problem+json errors, metrics and health.
 */
@Global()
@Module({})
export class PlatformModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    private readonly redis: RedisService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  static forRoot(options: PlatformModuleOptions = {}): DynamicModule {
    const env = options.env ?? process.env;
    const config = loadPlatformConfig(env);
    const shared = [
      { provide: PLATFORM_ENV, useValue: env },
      { provide: PLATFORM_CONFIG, useValue: config },
      {
        provide: ROOT_LOGGER,
        useFactory: () =>
          createRootLogger({ level: config.LOG_LEVEL, service: config.SERVICE_NAME }),
      },
      {
        provide: NATS_CONNECTION,
        useFactory: (c: PlatformConfig) => connectNats(c),
        inject: [PLATFORM_CONFIG],
      },
      databaseHostProvider,
      RedisService,
      RateLimiter,
      NatsService,
      JetStreamService,
      NatsRpcClient,
      HealthRegistry,
      MetricsService,
      AccessTokenVerifierProvider,
    ];
    return {
      module: PlatformModule,
      imports: [queueRootModule()],
      controllers: [HealthController, MetricsController],
      providers: [
        ...shared,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [...shared.map((p) => ('provide' in p ? p.provide : p)), DatabaseHost],
    };
  }

  onModuleInit(): void {
    this.health.register('redis', () => this.redis.client.ping());
    this.health.register('nats', async () => {
      if (this.nats.isClosed()) throw new Error('connection closed');
      await this.nats.flush();
    });
  }

  /** Batched log lines go out before the process ends (SIGTERM does not emit 'exit'). */
  onApplicationShutdown(): void {
    flushLogs();
  }
}
