import { AgentCallEntity } from './agent-call.entity';
import { ApprovalEntity } from './approval.entity';
import { OutboxEntity } from './outbox.entity';
import { RunEventEntity } from './run-event.entity';
import { RunEntity } from './run.entity';
import { TransitionEntity } from './transition.entity';
import { WorkflowDefinitionEntity } from './workflow-definition.entity';

export {
  AgentCallEntity,
  ApprovalEntity,
  OutboxEntity,
  RunEntity,
  RunEventEntity,
  TransitionEntity,
  WorkflowDefinitionEntity,
};
export { newRun, runtimeMs } from './run.entity';
export type { HaltKind, RunStart } from './run.entity';
export type { AgentCallStatus } from './agent-call.entity';

export const ORCHESTRATION_ENTITIES = [
  RunEntity,
  TransitionEntity,
  AgentCallEntity,
  RunEventEntity,
  ApprovalEntity,
  WorkflowDefinitionEntity,
  OutboxEntity,
];

/** Postgres schema and DataSource name of the orchestration service. */
export const ORCHESTRATION_SCHEMA = 'orchestration';
export const ORCHESTRATION_DB = 'orchestration';
