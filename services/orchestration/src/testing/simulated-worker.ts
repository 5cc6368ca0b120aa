import { spawnService, type ServiceProcess } from '@postmagiq/platform/testing';

/** An agent-worker pool member for `simulated`, started like its deployment (the colleague's service). */
export function spawnSimulatedWorker(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService(
    'services/agent-worker/src/main.ts',
    { AGENT_BACKEND: 'simulated', PORT: '0', LOG_LEVEL: 'warn', ...env },
    'agentWorker',
  );
}
