import { AgentSpec } from '@postmagiq/contracts';
import { LimitOverrides } from '../breaker/breaker-limits';
import { Condition } from '../condition/condition-ast';
import { OutputSchemaName } from './output-schemas';

/**
 * A validated workflow, normalised from YAML. Plain JSON data: the orchestration service can
 * store it with a run and evaluate it step by step without the YAML.
 */
export interface WorkflowDefinition {
  readonly name: string;
  readonly initialState: string;
  /** Soft-limit overrides from the `limits:` block, already checked against the hard ceiling. */
  readonly limits: LimitOverrides;
  /** In document order. */
  readonly states: Readonly<Record<string, StateDefinition>>;
}

export const STATE_TYPES = [
  'initial',
  'fan-out',
  'single',
  'orchestrator-task',
  'human-approval',
  'terminal',
] as const;
export type StateType = (typeof STATE_TYPES)[number];

export interface TransitionDefinition {
  readonly target: string;
  readonly condition: Condition;
}

export type FanOutCompletion =
  | { readonly kind: 'all' }
  | { readonly kind: 'any' }
  | { readonly kind: 'quorum'; readonly n: number };

export type TerminalOutcome = 'completed' | 'halted';

interface StateBase {
  readonly name: string;
}

export interface InitialState extends StateBase {
  readonly type: 'initial';
  readonly transitions: readonly TransitionDefinition[];
}

export interface TerminalState extends StateBase {
  readonly type: 'terminal';
  readonly outcome: TerminalOutcome;
}

export interface FanOutState extends StateBase {
  readonly type: 'fan-out';
  readonly agents: readonly AgentSpec[];
  readonly completion: FanOutCompletion;
  readonly transitions: readonly TransitionDefinition[];
}

/** Fields shared by the two one-agent state types. */
interface AgentStateFields {
  readonly agent: AgentSpec;
  /** Parse the agent's answer as JSON against this schema; without it the answer is post text. */
  readonly outputSchema?: OutputSchemaName;
  /** Name of a deterministic gate run over the drafts the state receives, before its agent. */
  readonly qualityGate?: string;
  readonly transitions: readonly TransitionDefinition[];
}

export interface SingleState extends StateBase, AgentStateFields {
  readonly type: 'single';
}

/** Its agent always persists its session: later visits continue the same conversation. */
export interface OrchestratorTaskState extends StateBase, AgentStateFields {
  readonly type: 'orchestrator-task';
}

export interface HumanApprovalState extends StateBase {
  readonly type: 'human-approval';
  readonly transitions: readonly TransitionDefinition[];
}

export type StateDefinition =
  | InitialState
  | TerminalState
  | FanOutState
  | SingleState
  | OrchestratorTaskState
  | HumanApprovalState;

export type AgentState = SingleState | OrchestratorTaskState;
export type StateWithTransitions = Exclude<StateDefinition, TerminalState>;
