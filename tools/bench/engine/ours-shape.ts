import type { AgentResult, AgentTask } from '@postmagiq/contracts';
import {
  InMemoryBreakerCounterStore,
  parseWorkflow,
  runWorkflow,
  type WorkflowDefinition,
} from '@postmagiq/workflow-engine';

/** The same graph shape as the LangGraph side: fan-out of 3, audit, one revise loop, synthesize. */
const DEFINITION = `
workflow:
  name: bench_shape
  initial_state: start
  states:
    start:
      type: initial
      transitions:
        - { target: draft, condition: always }
    draft:
      type: fan-out
      agents:
        - { name: writer_a, type: simulated, persona: writer }
        - { name: writer_b, type: simulated, persona: writer }
        - { name: writer_c, type: simulated, persona: writer }
      transitions:
        - { target: audit, condition: all_complete }
    audit:
      type: single
      agent: { name: auditor, type: simulated, persona: auditor }
      output_schema: AuditResult
      transitions:
        - { target: revise, condition: "result.decision == 'retry'" }
        - { target: synthesize, condition: "result.decision == 'proceed'" }
    revise:
      type: single
      agent: { name: reviser, type: simulated, persona: reviser }
      transitions:
        - { target: audit, condition: always }
    synthesize:
      type: single
      agent: { name: synthesizer, type: simulated, persona: synthesizer }
      transitions:
        - { target: complete, condition: always }
    complete:
      type: terminal
`;

export const OURS_TRANSITIONS_PER_RUN = 6;

export function loadBenchDefinition(): WorkflowDefinition {
  const outcome = parseWorkflow(DEFINITION, { file: 'bench_shape.yaml' });
  if (!outcome.ok) throw new Error(outcome.errors.map((e) => e.message).join('\n'));
  return outcome.definition;
}

const RETRY = JSON.stringify({ decision: 'retry', score: 5, feedback: 'tighten', findings: [] });
const PROCEED = JSON.stringify({ decision: 'proceed', score: 8, feedback: 'good', findings: [] });

/** A zero-latency agent: answers at once, the auditor asks for exactly one revision. */
async function instantAgent(task: AgentTask): Promise<AgentResult> {
  const content =
    task.agent.persona === 'auditor'
      ? task.visit === 1
        ? RETRY
        : PROCEED
      : `draft by ${task.agent.name}`;
  return {
    backend: 'simulated',
    model: 'bench',
    content,
    tokensIn: 1,
    tokensOut: 1,
    cachedTokensIn: 0,
    costUsd: 0,
    durationMs: 0,
    sessionId: null,
    error: null,
    simulated: true,
  };
}

export async function runOursOnce(definition: WorkflowDefinition, runId: string): Promise<number> {
  const outcome = await runWorkflow(definition, {
    runId,
    input: {
      story: { title: 'Bench', body: 'A story.' },
      voice: {
        name: 'Bench',
        tone: [],
        signaturePhrases: [],
        avoid: [],
        examples: [],
        styleRules: [],
      },
    },
    invoke: instantAgent,
    approve: async () => ({ decision: 'approve' }),
    breaker: new InMemoryBreakerCounterStore(),
    onEvent: () => undefined,
  });
  if (outcome.status !== 'completed')
    throw new Error(`bench run ended ${outcome.status}: ${outcome.reason}`);
  return outcome.visitedStates.length - 1;
}
