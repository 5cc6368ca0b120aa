import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PLATFORM_ENV, ServiceDatabaseModule } from '@postmagiq/platform';
import { BillingController } from './api/billing.controller';
import { BillingReportsService } from './api/billing-reports.service';
import { AccountsService } from './accounts/accounts.service';
import { WorkspaceEventsConsumer } from './accounts/workspace-events.consumer';
import { BILLING_CONFIG, loadBillingConfig } from './config/billing.config';
import { BILLING_DB, BILLING_ENTITIES, BILLING_SCHEMA } from './entities';
import { BillingOutbox } from './events/billing-outbox.service';
import { HoldsRpcController } from './holds/holds.rpc';
import { HoldsService } from './holds/holds.service';
import { RunFinishedConsumer } from './holds/run-finished.consumer';
import { UsageConsumer } from './metering/usage-consumer.service';
import { UsageIngestService } from './metering/usage-ingest.service';
import { BILLING_MIGRATIONS } from './migrations';
import { BillingMetrics } from './observability/billing-metrics';
import { StripeWebhooksController } from './stripe/stripe-webhooks.controller';
import { StripeWebhooksService } from './stripe/stripe-webhooks.service';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { BillingSessionsController } from './api/billing-sessions.controller';
import { BillingSessionsService } from './stripe/billing-sessions.service';
import { SdkStripeGateway } from './stripe/sdk-stripe-gateway';
import { StripeGateway, STRIPE_GATEWAY, STRIPE_GATEWAY_OVERRIDE } from './stripe/stripe-gateway';
import type { BillingConfig } from './config/billing.config';

/**
 * The billing service as a module: booted alone by main.ts, or with the other services by the
 * standalone process. Needs PlatformModule in the same application.
 */
@Module({
  imports: [
    DiscoveryModule,
    ServiceDatabaseModule.forService({
      name: BILLING_DB,
      schema: BILLING_SCHEMA,
      entities: BILLING_ENTITIES,
      migrations: BILLING_MIGRATIONS,
    }),
  ],
  controllers: [
    BillingController,
    BillingSessionsController,
    HoldsRpcController,
    StripeWebhooksController,
  ],
  providers: [
    {
      provide: BILLING_CONFIG,
      inject: [PLATFORM_ENV],
      useFactory: (env: NodeJS.ProcessEnv) => loadBillingConfig(env),
    },
    {
      provide: STRIPE_GATEWAY,
      inject: [BILLING_CONFIG, { token: STRIPE_GATEWAY_OVERRIDE, optional: true }],
      useFactory: (config: BillingConfig, override?: StripeGateway): StripeGateway | null =>
        config.STRIPE_SECRET_KEY
          ? (override ?? SdkStripeGateway.create(config.STRIPE_SECRET_KEY))
          : null,
    },
    BillingSessionsService,
    BillingMetrics,
    BillingOutbox,
    HoldsService,
    AccountsService,
    BillingReportsService,
    UsageIngestService,
    UsageConsumer,
    RunFinishedConsumer,
    WorkspaceEventsConsumer,
    ReconciliationService,
    StripeWebhooksService,
  ],
  exports: [AccountsService, BILLING_CONFIG],
})
export class BillingModule {}
