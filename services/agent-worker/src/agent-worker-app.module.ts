import { DynamicModule, Module } from '@nestjs/common';
import { AgentWorkerModule } from './agent-worker.module';
import { PlatformCoreModule } from '@postmagiq/platform';

/** An agent-worker pool member deployed alone (one Deployment per backend). */
@Module({})
export class AgentWorkerAppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const backend = env['AGENT_BACKEND']?.trim();
    return {
      module: AgentWorkerAppModule,
      imports: [
        PlatformCoreModule.forRoot({
          SERVICE_NAME: backend ? `agent-worker-${backend}` : 'agent-worker',
          ...env,
        }),
        AgentWorkerModule.forRoot(),
      ],
    };
  }
}
