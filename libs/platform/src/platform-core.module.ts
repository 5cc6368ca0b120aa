import {
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { NatsConnection } from './nats/nats-client';
import { loadPlatformConfig, PLATFORM_CONFIG, PlatformConfig } from './config/config';
import { createRootLogger, flushLogs, ROOT_LOGGER } from './logging/logger';
import { connectNats, JetStreamService, NATS_CONNECTION, NatsService } from './nats/nats';
import { HealthController, HealthRegistry } from './observability/health';
import { MetricsService } from './observability/metrics';
import { MetricsListener } from './observability/metrics-listener';
import { UpgradeRouter } from './http/upgrade-router';
import { queueRootModule } from './queues/bull-connection';
import { RedisService } from './redis/redis';

/** The environment every module of this process reads its configuration from. */
export const PLATFORM_ENV = Symbol('PLATFORM_ENV');

/**
 * What every process stands on, HTTP service or queue worker: configuration, logging, Redis,
 * NATS + JetStream, BullMQ's shared connection, metrics (on METRICS_PORT), health with Redis and NATS checked, and
 * the one owner of the HTTP server's upgrade requests (UpgradeRouter).
 * A worker process boots this alone; `PlatformModule` adds what serves HTTP and owns data.
 */
@Global()
@Module({})
export class PlatformCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    private readonly redis: RedisService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadPlatformConfig(env);
    const providers = [
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
      RedisService,
      NatsService,
      JetStreamService,
      HealthRegistry,
      MetricsService,
      MetricsListener,
      UpgradeRouter,
    ];
    return {
      module: PlatformCoreModule,
      // DiscoveryModule: the route table (405s, the OpenAPI document, the route audit) reads it
      imports: [queueRootModule(), DiscoveryModule],
      controllers: [HealthController],
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
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
