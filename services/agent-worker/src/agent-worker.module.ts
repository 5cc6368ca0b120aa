import { DynamicModule, Module } from '@nestjs/common';
import { PLATFORM_ENV } from '@postmagiq/platform';
import {
  AGENT_ADAPTER,
  AGENT_WORKER_CONFIG,
  AgentWorkerConfig,
  createBackendAdapter,
  loadAgentWorkerConfig,
} from './config/agent-worker.config';
import { AgentWorkerMetrics } from './metrics/agent-worker.metrics';
import { AgentWorkerService } from './processing/agent-worker.service';

/**
 * An agent-worker pool member as a module: booted alone by main.ts (with WorkerPlatformModule),
 * or inside the standalone process (with PlatformModule). `overrides` replace environment
 * variables of this pool only, e.g. `{ AGENT_BACKEND: 'simulated' }` in the standalone process.
 */
@Module({})
export class AgentWorkerModule {
  static forRoot(overrides: Partial<Record<string, string>> = {}): DynamicModule {
    return {
      module: AgentWorkerModule,
      providers: [
        {
          provide: AGENT_WORKER_CONFIG,
          inject: [PLATFORM_ENV],
          useFactory: (env: NodeJS.ProcessEnv) => loadAgentWorkerConfig({ ...env, ...overrides }),
        },
        {
          provide: AGENT_ADAPTER,
          inject: [PLATFORM_ENV, AGENT_WORKER_CONFIG],
          useFactory: (env: NodeJS.ProcessEnv, config: AgentWorkerConfig) =>
            createBackendAdapter(config.AGENT_BACKEND, { ...env, ...overrides }),
        },
        AgentWorkerMetrics,
        AgentWorkerService,
      ],
      exports: [AgentWorkerService],
    };
  }
}
