import { DynamicModule, Module } from '@nestjs/common';
import { resolveBackends } from '@postmagiq/agents';
import type { AgentBackend } from '@postmagiq/contracts';
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

const AGENT_WORKER_OVERRIDES = Symbol('AGENT_WORKER_OVERRIDES');

type Overrides = Partial<Record<string, string>>;

/**
 * An agent-worker pool member as a module: booted alone by main.ts (with PlatformCoreModule),
 * or inside the standalone process (with PlatformModule). `overrides` replace environment
 * variables of this pool only, e.g. `{ AGENT_BACKEND: 'simulated' }`.
 */
@Module({})
export class AgentWorkerModule {
  static forRoot(overrides: Overrides = {}): DynamicModule {
    return {
      module: AgentWorkerModule,
      providers: [
        // also makes each pool's module distinct when a process hosts several
        { provide: AGENT_WORKER_OVERRIDES, useValue: { ...overrides } },
        {
          provide: AGENT_WORKER_CONFIG,
          inject: [PLATFORM_ENV, AGENT_WORKER_OVERRIDES],
          useFactory: (env: NodeJS.ProcessEnv, own: Overrides) =>
            loadAgentWorkerConfig({ ...env, ...own }),
        },
        {
          provide: AGENT_ADAPTER,
          inject: [PLATFORM_ENV, AGENT_WORKER_OVERRIDES, AGENT_WORKER_CONFIG],
          useFactory: (env: NodeJS.ProcessEnv, own: Overrides, config: AgentWorkerConfig) =>
            createBackendAdapter(config.AGENT_BACKEND, { ...env, ...own }),
        },
        AgentWorkerMetrics,
        AgentWorkerService,
      ],
      exports: [AgentWorkerService],
    };
  }

  /**
   * The one-machine topology: a pool for `simulated` and one for every backend the environment
   * configures (the backends orchestration will queue calls for), all in this process.
   */
  static forConfiguredBackends(env: NodeJS.ProcessEnv = process.env): DynamicModule[] {
    return resolveBackends(env).map((backend: AgentBackend) =>
      AgentWorkerModule.forRoot({ AGENT_BACKEND: backend }),
    );
  }
}
