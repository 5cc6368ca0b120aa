import { AgentBackend, AgentResult, AgentSpec, failedAgentResult } from '@postmagiq/contracts';
import { addUsd } from '../breaker/breaker-counters';

/** Token and money totals of a run. `cachedTokensIn` is part of `tokensIn`. */
export interface RunUsage {
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly cachedTokensIn: number;
  readonly costUsd: number;
}

/** One agent call, as run history and billing show it. */
export interface AgentCallRecord extends RunUsage {
  readonly state: string;
  readonly visit: number;
  readonly agent: string;
  readonly backend: AgentBackend;
  readonly model: string;
  readonly durationMs: number;
  readonly simulated: boolean;
  readonly error: string | null;
}

export const EMPTY_USAGE: RunUsage = Object.freeze({
  tokensIn: 0,
  tokensOut: 0,
  cachedTokensIn: 0,
  costUsd: 0,
});

export function addUsage(usage: RunUsage, more: RunUsage): RunUsage {
  return {
    tokensIn: usage.tokensIn + more.tokensIn,
    tokensOut: usage.tokensOut + more.tokensOut,
    cachedTokensIn: usage.cachedTokensIn + more.cachedTokensIn,
    costUsd: addUsd(usage.costUsd, more.costUsd),
  };
}

export function agentCallRecord(
  state: string,
  visit: number,
  agent: AgentSpec,
  result: AgentResult,
): AgentCallRecord {
  return {
    state,
    visit,
    agent: agent.name,
    backend: result.backend,
    model: result.model,
    tokensIn: result.tokensIn,
    tokensOut: result.tokensOut,
    cachedTokensIn: result.cachedTokensIn,
    costUsd: result.costUsd,
    durationMs: result.durationMs,
    simulated: result.simulated,
    error: result.error,
  };
}

/** Stands in for a result when the invoker threw or answered something that is not a result. */
export function failedResultOf(agent: AgentSpec, error: string): AgentResult {
  return failedAgentResult(agent.backend, agent.model ?? 'unknown', error);
}
