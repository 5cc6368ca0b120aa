import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
// The composition root may import services (type:composition). Until tsconfig.base.json maps
// `@postmagiq/identity` to services/identity/src/index.ts, the import is by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { IdentityModule } from '../../identity/src';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AgentWorkerModule } from '../../agent-worker/src';

/**
 * The one-machine topology: every service module that exists, in one process, on one port, with
 * the same HTTP paths as the ingress. Services still talk only over NATS and BullMQ here.
 * Content, orchestration and billing join this list as they are built. Agent calls are served by
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
        ...AgentWorkerModule.forConfiguredBackends(env),
      ],
    };
  }
}
