import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { AgentWorkerModule } from '@postmagiq/agent-worker';
import { BillingModule } from '@postmagiq/billing';
import { ContentModule } from '@postmagiq/content';
import { IdentityModule } from '@postmagiq/identity';
import { OrchestrationModule } from '@postmagiq/orchestration';

/**
 * The one-machine topology: every service module that exists, in one process, on one port, with
 * the same HTTP paths as the ingress. Services still talk only over NATS and BullMQ here.
 * Billing runs unmetered here unless STRIPE_SECRET_KEY is set. Agent calls are served by
 * in-process worker pools (simulated, plus every backend whose key is set) that still take their
 * jobs from BullMQ and publish over NATS, like the per-backend Deployments of the cluster.
 */
@Module({})
export class StandaloneModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot({ env: { SERVICE_NAME: 'standalone', ...env } }),
        IdentityModule,
        ContentModule,
        OrchestrationModule,
        BillingModule,
        ...AgentWorkerModule.forConfiguredBackends(env),
      ],
    };
  }
}
