import { DEFAULT_VOICE_PROFILE, LintFinding, RunEvent, RunInput } from '@postmagiq/contracts';
import { InMemoryBreakerCounterStore } from '../breaker/in-memory-breaker-counter-store';
import { WorkflowDefinition } from '../definition/workflow-definition';
import {
  ApprovalGate,
  ApprovalRequest,
  ApprovalResponse,
  QualityGate,
} from '../executor/executor-ports';
import { runWorkflow } from '../executor/run-workflow';
import { RunOutcome, StateBreakerTrip } from '../executor/run-workflow-options';
import { DEFAULT_SHAPED_WORKFLOW, definitionOf } from './default-workflow';
import { fakeInvoker, FakeScript } from './fake-invoker';

export const RUN_ID = 'run-1';

export const INPUT: RunInput = {
  story: {
    title: 'Shipping on Fridays',
    body: 'We stopped fearing Friday deploys once rollbacks took one minute.',
  },
  voice: DEFAULT_VOICE_PROFILE,
};

export const BANNED: LintFinding = {
  rule: 'banned-phrase',
  severity: 'error',
  message: "avoid 'synergy'",
};

/** A stand-in for the post lint: flags drafts that say "synergy". */
export const postLint: QualityGate = (text) => (text.includes('synergy') ? [BANNED] : []);

export interface HarnessOptions {
  readonly definition?: WorkflowDefinition;
  readonly script?: FakeScript;
  /** Answers to successive approval requests (the last repeats). */
  readonly approvals?: readonly ApprovalResponse[];
  readonly onSoftLimit?: (trip: StateBreakerTrip) => Promise<boolean>;
  readonly gates?: Record<string, QualityGate>;
  readonly signal?: AbortSignal;
  readonly breaker?: InMemoryBreakerCounterStore;
  /** Replaces the scripted approvals. */
  readonly approve?: ApprovalGate;
  /** The clock; by default a fixed instant that moves 1 ms per reading. */
  readonly now?: () => number;
}

export const START_MS = Date.UTC(2025, 0, 6, 9, 0, 0);

/** Runs a definition (the default-shaped one unless given) with fakes, recording everything. */
export async function runHarness(options: HarnessOptions = {}) {
  const { invoke, tasks } = fakeInvoker(options.script);
  const events: RunEvent[] = [];
  const approvalRequests: ApprovalRequest[] = [];
  const approvals = options.approvals ?? [{ decision: 'approve' }];
  let clock = START_MS;
  const outcome: RunOutcome = await runWorkflow(
    options.definition ?? definitionOf(DEFAULT_SHAPED_WORKFLOW),
    {
      runId: RUN_ID,
      input: INPUT,
      invoke,
      breaker: options.breaker ?? new InMemoryBreakerCounterStore(),
      gates: options.gates ?? { post_lint: postLint },
      onEvent: (event) => events.push(event),
      approve:
        options.approve ??
        (async (request) => {
          approvalRequests.push(request);
          const answer = approvals[Math.min(approvalRequests.length - 1, approvals.length - 1)];
          if (!answer) throw new Error('no approval scripted');
          return answer;
        }),
      ...(options.onSoftLimit ? { onSoftLimit: options.onSoftLimit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      now:
        options.now ??
        (() => {
          clock += 1;
          return clock;
        }),
    },
  );
  return { outcome, events, tasks, approvalRequests };
}

/** Event types in order, tokens left out (their interleaving depends on timing, not semantics). */
export function eventTypes(events: readonly RunEvent[]): string[] {
  return events.filter((event) => event.type !== 'agent.token').map((event) => describe(event));
}

function describe(event: RunEvent): string {
  switch (event.type) {
    case 'state.entered':
      return `state.entered ${event.state}#${event.visit}`;
    case 'agent.started':
    case 'agent.finished':
      return `${event.type} ${event.agent}`;
    case 'transition':
      return `transition ${event.from}->${event.to}`;
    case 'gate.findings':
      return `gate.findings ${event.gate}[${event.draft}]`;
    case 'breaker.tripped':
      return `breaker.tripped ${event.limit}${event.soft ? ' (soft)' : ''}`;
    case 'run.finished':
      return `run.finished ${event.status}`;
    default:
      return event.type;
  }
}
