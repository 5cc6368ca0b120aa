import { AgentSpec, AgentTask, RunInput } from '@postmagiq/contracts';
import { FanOutState, OrchestratorTaskState, SingleState } from '../definition/workflow-definition';
import { RunContext } from './run-context';

export type AgentCallingState = FanOutState | SingleState | OrchestratorTaskState;

export interface AgentTaskRequest {
  readonly runId: string;
  readonly state: AgentCallingState;
  readonly visit: number;
  readonly agent: AgentSpec;
  readonly input: RunInput;
  readonly context: RunContext;
}

/** The persistent-conversation key of an orchestrator-task agent: the same on every visit. */
export function sessionKeyOf(runId: string, state: string, agent: string): string {
  return `${runId}:${state}:${agent}`;
}

/** Everything one agent call needs, copied out of the context so the task is self-contained. */
export function buildAgentTask({
  runId,
  state,
  visit,
  agent,
  input,
  context,
}: AgentTaskRequest): AgentTask {
  return {
    runId,
    state: state.name,
    stateType: state.type,
    visit,
    agent,
    input,
    drafts: [...context.drafts],
    findings: context.findings.map((list) => [...list]),
    audit: context.audit,
    feedback: context.feedback,
    sessionKey:
      state.type === 'orchestrator-task' ? sessionKeyOf(runId, state.name, agent.name) : null,
  };
}
