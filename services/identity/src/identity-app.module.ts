import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { IdentityModule } from './identity.module';

/**
 * The identity service deployed alone (made by `createApp`, main.ts). Its NATS handlers get their
 * request context from the server (ContextServerNats) and HTTP metrics are recorded by the access
 * middleware, which keeps every HTTP request (`GET /auth/me` first) off Nest's interceptor path and
 * its per-route metrics middleware.
 */
@Module({})
export class IdentityAppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: IdentityAppModule,
      imports: [
        PlatformModule.forRoot({
          env: { SERVICE_NAME: 'identity', ...env },
          rpcContext: 'server',
          httpMetrics: 'access-log',
        }),
        IdentityModule,
      ],
    };
  }
}
