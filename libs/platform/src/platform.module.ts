import {
  DynamicModule,
  Global,
  Inject,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { NatsConnection } from './nats/nats-client';
import { AccessGuard } from './auth/access.guard';
import { AccessTokenVerifierProvider } from './auth/token-verifier';
import { loadPlatformConfig, PLATFORM_CONFIG, PlatformConfig } from './config/config';
import { databaseHostProvider, DatabaseHost } from './database/database';
import { ProblemFilter } from './errors/problem';
import { createRootLogger, flushStdoutLogs, ROOT_LOGGER } from './logging/logger';
import {
  connectNats,
  JetStreamService,
  NATS_CONNECTION,
  NatsRpcClient,
  NatsService,
  RpcContextInterceptor,
} from './nats/nats';
import { HealthController, HealthRegistry } from './observability/health';
import { HttpMetricsMiddleware, MetricsController, MetricsService } from './observability/metrics';
import { queueRootModule } from './queues/queues';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RedisService } from './redis/redis';

/** The environment every module of this process reads its configuration from. */
export const PLATFORM_ENV = Symbol('PLATFORM_ENV');

export interface PlatformModuleOptions {
  /** Defaults to process.env; tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where NATS handlers get their request context. 'interceptor' (default): a global Nest
   * interceptor, which also puts every HTTP route on Nest's interceptor path (an rxjs pipeline per
   * request). 'server': `createApp` connects ContextServerNats, which sets it for every message,
   * and HTTP routes have no global interceptor. Only for applications made by `createApp`.
   */
  rpcContext?: 'interceptor' | 'server';
  /**
   * How `http_server_request_duration_seconds` is recorded. 'middleware' (default): a Nest
   * middleware on every route. 'access-log': `createApp`'s access-log middleware records it when
   * the response is done (same metric and labels; also counts requests refused by the body parser;
   * no extra router layers). Only for applications made by `createApp`.
   */
  httpMetrics?: 'middleware' | 'access-log';
}

/** The PlatformModuleOptions in effect (`createApp` reads them). */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

/**
 * Everything a service stands on, once per process: configuration, logging, Redis, NATS +
 * JetStream, BullMQ's connection, the database host (embedded when DATABASE_URL is unset), the
 * global access guard with rate limits, problem+json errors, metrics and health.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule, OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    private readonly redis: RedisService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformModuleOptions,
  ) {}

  static forRoot(options: PlatformModuleOptions = {}): DynamicModule {
    const env = options.env ?? process.env;
    const config = loadPlatformConfig(env);
    const shared = [
      { provide: PLATFORM_ENV, useValue: env },
      { provide: PLATFORM_OPTIONS, useValue: { ...options, env } },
      { provide: PLATFORM_CONFIG, useValue: config },
      {
        provide: ROOT_LOGGER,
        useFactory: () => createRootLogger({ level: config.LOG_LEVEL, service: config.SERVICE_NAME }),
      },
      { provide: NATS_CONNECTION, useFactory: (c: PlatformConfig) => connectNats(c), inject: [PLATFORM_CONFIG] },
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
        ...(options.rpcContext === 'server' ? [] : [{ provide: APP_INTERCEPTOR, useClass: RpcContextInterceptor }]),
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
    flushStdoutLogs();
  }

  configure(consumer: MiddlewareConsumer): void {
    if (this.options.httpMetrics !== 'access-log') consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
