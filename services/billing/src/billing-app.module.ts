import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { BillingModule } from './billing.module';

/** The billing service deployed alone. */
@Module({})
export class BillingAppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: BillingAppModule,
      imports: [
        PlatformModule.forRoot({ env: { SERVICE_NAME: 'billing', ...env } }),
        BillingModule,
      ],
    };
  }
}
