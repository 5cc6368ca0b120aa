import type { AgentCallRecord, RunOutcome } from '@postmagiq/workflow-engine';
import pc from 'picocolors';
import { formatDuration, formatTokens, formatUsd, table } from './format';

/** The human-readable end of a run: the post, then what each agent call cost. */
export function renderSummary(outcome: RunOutcome): string {
  const parts: string[] = [];
  if (outcome.finalPost) {
    parts.push(pc.bold('Final post'), '', outcome.finalPost, '');
  }
  parts.push(pc.bold('Agent calls'), '', renderAgentTable(outcome.agents), '');
  parts.push(
    `${outcome.status === 'completed' ? pc.green('completed') : pc.yellow(outcome.status)}` +
      `${outcome.reason ? `: ${outcome.reason}` : ''} · states ${outcome.visitedStates.join(' → ')}`,
  );
  return parts.join('\n');
}

export function renderAgentTable(agents: readonly AgentCallRecord[]): string {
  const rows = agents.map((call) => [
    `${call.state}/${call.agent}`,
    call.backend,
    call.model,
    formatTokens(call.tokensIn),
    formatTokens(call.tokensOut),
    formatUsd(call.costUsd),
    formatDuration(call.durationMs),
  ]);
  const total = agents.reduce(
    (sum, call) => ({
      tokensIn: sum.tokensIn + call.tokensIn,
      tokensOut: sum.tokensOut + call.tokensOut,
      costUsd: sum.costUsd + call.costUsd,
      durationMs: sum.durationMs + call.durationMs,
    }),
    { tokensIn: 0, tokensOut: 0, costUsd: 0, durationMs: 0 },
  );
  rows.push([
    'total',
    '',
    '',
    formatTokens(total.tokensIn),
    formatTokens(total.tokensOut),
    formatUsd(total.costUsd),
    formatDuration(total.durationMs),
  ]);
  return table(['state/agent', 'backend', 'model', 'in', 'out', 'cost', 'time'], rows, 3);
}
