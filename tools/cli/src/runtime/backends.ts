import {
  BACKEND_ENV_VARS,
  createAdaptersFromEnv,
  createAgentInvoker,
  resolveBackends,
  type AgentInvoker,
} from '@postmagiq/agents';
import type { AgentSpec } from '@postmagiq/contracts';
import type { PromptLibrary } from '@postmagiq/prompts';
import type { WorkflowDefinition } from '@postmagiq/workflow-engine';
import { CliError } from '../cli-error';

export interface CliBackends {
  invoke: AgentInvoker;
  /** One plain sentence about agents that run simulated, or null when every backend is configured. */
  notice: string | null;
}

/** Adapters from the environment; an agent whose backend has no key runs on the simulated backend. */
export function buildInvoker(
  definition: WorkflowDefinition,
  library: PromptLibrary,
  env: NodeJS.ProcessEnv,
): CliBackends {
  let adapters;
  try {
    adapters = createAdaptersFromEnv(env);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const configured = new Set(resolveBackends(env));
  const unconfigured = agentsOf(definition).filter((agent) => !configured.has(agent.backend));
  return {
    invoke: createAgentInvoker({ adapters, library, fallback: 'simulated' }),
    notice: unconfigured.length === 0 ? null : simulatedNotice(unconfigured),
  };
}

function agentsOf(definition: WorkflowDefinition): AgentSpec[] {
  return Object.values(definition.states).flatMap((state) => {
    if (state.type === 'fan-out') return state.agents;
    if (state.type === 'single' || state.type === 'orchestrator-task') return [state.agent];
    return [];
  });
}

function simulatedNotice(agents: readonly AgentSpec[]): string {
  const variables = [
    ...new Set(
      agents
        .map((a) => (a.backend === 'simulated' ? null : BACKEND_ENV_VARS[a.backend]))
        .filter(Boolean),
    ),
  ];
  const names = [...new Set(agents.map((a) => a.name))];
  const why =
    variables.length > 0
      ? `${listOf(variables as string[])} ${variables.length > 1 ? 'are' : 'is'} not set, so `
      : '';
  return `${why}${listOf(names)} run on the simulated backend: offline and deterministic, not a real model.`;
}

function listOf(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
