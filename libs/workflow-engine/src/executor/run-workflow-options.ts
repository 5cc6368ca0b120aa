import { RunEvent, RunInput, RunStatus } from '@postmagiq/contracts';
import { BreakerCounterStore } from '../breaker/breaker-counter-store';
import { BreakerTrip } from '../breaker/breaker-verdict';
import { AgentInvoker, ApprovalGate, QualityGate } from './executor-ports';
import { AgentCallRecord, RunUsage } from './run-usage';

/** A breaker trip, with the state the run was in. */
export type StateBreakerTrip = BreakerTrip & { readonly state: string };

export interface RunWorkflowOptions {
  readonly runId: string;
  readonly input: RunInput;
  readonly invoke: AgentInvoker;
  readonly approve: ApprovalGate;
  readonly breaker: BreakerCounterStore;
  /** Quality gates by the name states give in `quality_gate`. */
  readonly gates?: Readonly<Record<string, QualityGate>>;
  /** Every event of the run, in order; `run.finished` is always the last. */
  readonly onEvent: (event: RunEvent) => void;
  /** Asked when a soft limit trips: resolve true to use the run's single extension. */
  readonly onSoftLimit?: (trip: StateBreakerTrip) => Promise<boolean>;
  /** Clock in epoch milliseconds (tests pass a fake one). */
  readonly now?: () => number;
  /** Aborting ends the run as `cancelled`. */
  readonly signal?: AbortSignal;
}

export interface RunOutcome {
  readonly status: RunStatus;
  /** The state the run ended in. */
  readonly finalState: string;
  readonly reason: string | null;
  /** The finished post; null unless the run completed. */
  readonly finalPost: string | null;
  /** Every state entered, in order, the initial and the final state included. */
  readonly visitedStates: string[];
  /** Totals over every agent call, including fan-out calls that finished after their state moved on. */
  readonly usage: RunUsage;
  readonly agents: AgentCallRecord[];
}
