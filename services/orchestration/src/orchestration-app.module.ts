import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { OrchestrationModule } from './orchestration.module';

/** The orchestration service deployed alone. */
@Module({})
export class OrchestrationAppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: OrchestrationAppModule,
      imports: [
        PlatformModule.forRoot({ env: { SERVICE_NAME: 'orchestration', ...env } }),
        OrchestrationModule,
      ],
    };
  }
}
