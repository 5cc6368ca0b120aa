import { DynamicModule, Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import {
  connectNats,
  createRootLogger,
  HealthController,
  HealthRegistry,
  JetStreamService,
  loadPlatformConfig,
  MetricsController,
  MetricsService,
  NATS_CONNECTION,
  NatsService,
  PLATFORM_CONFIG,
  PLATFORM_ENV,
  PlatformConfig,
  queueRootModule,
  RedisService,
  ROOT_LOGGER,
} from '@postmagiq/platform';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';

/**
 * The part of the platform a worker process stands on: configuration, logging, Redis, NATS +
 * JetStream, BullMQ's shared connection, metrics and health. `PlatformModule` would also start a
 * database (embedded when DATABASE_URL is unset) and an HTTP auth guard, which a worker has no
 * use for. Inside the standalone process `PlatformModule` provides all of these instead.
 */
@Global()
@Module({})
export class WorkerPlatformModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly redis: RedisService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
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
      RedisService,
      NatsService,
      JetStreamService,
      HealthRegistry,
      MetricsService,
    ];
    return {
      module: WorkerPlatformModule,
      imports: [queueRootModule()],
      controllers: [HealthController, MetricsController],
      providers: shared,
      exports: shared.map((p) => ('provide' in p ? p.provide : p)),
    };
  }

  onModuleInit(): void {
    this.health.register('redis', () => this.redis.client.ping());
    this.health.register('nats', async () => {
      if (this.nats.isClosed()) throw new Error('connection closed');
      await this.nats.flush();
    });
  }
}
