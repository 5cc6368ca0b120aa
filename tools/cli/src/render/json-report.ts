import type { RunOutcome } from '@postmagiq/workflow-engine';

/** The one JSON document `postmagiq run --json` prints: stable field names for scripts. */
export function toJsonReport(workflow: string, outcome: RunOutcome) {
  return {
    workflow,
    status: outcome.status,
    reason: outcome.reason,
    finalPost: outcome.finalPost,
    visitedStates: outcome.visitedStates,
    usage: {
      tokensIn: outcome.usage.tokensIn,
      tokensOut: outcome.usage.tokensOut,
      cachedTokensIn: outcome.usage.cachedTokensIn,
      costUsd: outcome.usage.costUsd,
    },
    agents: outcome.agents.map((call) => ({
      state: call.state,
      agent: call.agent,
      backend: call.backend,
      model: call.model,
      tokensIn: call.tokensIn,
      tokensOut: call.tokensOut,
      cachedTokensIn: call.cachedTokensIn,
      costUsd: call.costUsd,
      durationMs: call.durationMs,
      simulated: call.simulated,
      error: call.error,
    })),
    simulated: outcome.agents.some((call) => call.simulated),
  };
}
