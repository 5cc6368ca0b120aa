import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AccessTokenVerifierProvider } from './auth/token-verifier';
import { databaseHostProvider } from './database/database';
import { ProblemFilter } from './errors/problem';
import { flushLogs } from './logging/logger';
import { NatsRpcClient } from './nats/nats';
import { PlatformCoreModule } from './platform-core.module';
import { RateLimiter } from './rate-limit/rate-limiter';

export interface PlatformModuleOptions {
  /** Defaults to process.env; tests pass their own. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Everything a service stands on, once per process: the core every process has
 * (PlatformCoreModule: configuration, logging, Redis, NATS + JetStream, BullMQ's connection,
 * metrics and health), plus the database host (embedded when DATABASE_URL is unset), NATS
 * request/reply, the global access guard with rate limits, and problem+json errors.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  static forRoot(options: PlatformModuleOptions = {}): DynamicModule {
    const core = PlatformCoreModule.forRoot(options.env ?? process.env);
    const providers = [
      databaseHostProvider,
      RateLimiter,
      NatsRpcClient,
      AccessTokenVerifierProvider,
    ];
    return {
      module: PlatformModule,
      imports: [core],
      providers: [
        ...providers,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [core, ...providers.map((p) => ('provide' in p ? p.provide : p))],
    };
  }

  /**
   * Nest shuts the core down first (global modules go in reverse order), so lines logged while
   * the database host and request/reply close would stay in the batch: flush again last.
   */
  onApplicationShutdown(): void {
    flushLogs();
  }
}
