import { DynamicModule, Global, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { BillingModule } from './billing.module';
import { StripeGateway, STRIPE_GATEWAY_OVERRIDE } from './stripe/stripe-gateway';

/** Supplies a test's Stripe gateway (the in-memory fake, or the SDK on stripe-mock). */
@Global()
@Module({})
class StripeGatewayOverrideModule {
  static with(gateway: StripeGateway): DynamicModule {
    return {
      module: StripeGatewayOverrideModule,
      providers: [{ provide: STRIPE_GATEWAY_OVERRIDE, useValue: gateway }],
      exports: [STRIPE_GATEWAY_OVERRIDE],
    };
  }
}

/** The billing service deployed alone. */
@Module({})
export class BillingAppModule {
  static forRoot(
    env: NodeJS.ProcessEnv = process.env,
    testing: { stripeGateway?: StripeGateway } = {},
  ): DynamicModule {
    return {
      module: BillingAppModule,
      imports: [
        PlatformModule.forRoot({ env: { SERVICE_NAME: 'billing', ...env } }),
        ...(testing.stripeGateway ? [StripeGatewayOverrideModule.with(testing.stripeGateway)] : []),
        BillingModule,
      ],
    };
  }
}
