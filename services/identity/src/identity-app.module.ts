import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { IdentityModule } from './identity.module';

/** The identity service deployed alone. */
@Module({})
export class IdentityAppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: IdentityAppModule,
      imports: [
        PlatformModule.forRoot({ env: { SERVICE_NAME: 'identity', ...env } }),
        IdentityModule,
      ],
    };
  }
}
