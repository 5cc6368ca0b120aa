import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { ContentModule } from './content.module';

/** The content service deployed alone. */
@Module({})
export class ContentAppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: ContentAppModule,
      imports: [
        PlatformModule.forRoot({ env: { SERVICE_NAME: 'content', ...env } }),
        ContentModule,
      ],
    };
  }
}
