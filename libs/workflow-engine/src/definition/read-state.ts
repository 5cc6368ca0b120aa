import { AgentSpec } from '@postmagiq/contracts';
import { isMap, isScalar, isSeq, Node, Scalar } from 'yaml';
import { isOutputSchemaName, OUTPUT_SCHEMA_NAMES, OutputSchemaName } from './output-schemas';
import { readAgent } from './read-agent';
import { readTransitions, TransitionSource } from './read-transitions';
import {
  FanOutCompletion,
  STATE_TYPES,
  StateDefinition,
  StateType,
  TerminalOutcome,
  TransitionDefinition,
} from './workflow-definition';
import { YamlField, YamlReader } from './yaml-reader';

const STATE_FIELDS: Readonly<Record<StateType, readonly string[]>> = {
  initial: ['type', 'transitions'],
  'fan-out': ['type', 'agents', 'completion', 'transitions'],
  single: ['type', 'agent', 'output_schema', 'quality_gate', 'transitions'],
  'orchestrator-task': ['type', 'agent', 'output_schema', 'quality_gate', 'transitions'],
  'human-approval': ['type', 'transitions'],
  terminal: ['type', 'outcome'],
};
const ANY_STATE_FIELDS = [...new Set(Object.values(STATE_FIELDS).flat())];

/** A state as read: its definition (null when invalid) plus what the graph checks need. */
export interface StateSource {
  readonly name: string;
  readonly keyAt: Scalar;
  readonly type: StateType | null;
  readonly transitions: readonly TransitionSource[];
  readonly definition: StateDefinition | null;
}

export interface StateReadContext {
  readonly reader: YamlReader;
  readonly knownStates: ReadonlySet<string>;
  readonly personas?: ReadonlySet<string>;
  readonly qualityGates?: ReadonlySet<string>;
  readonly agentNames: Map<string, string>;
}

interface StateParts {
  readonly name: string;
  readonly subject: string;
  readonly keyAt: Scalar;
  readonly fields: ReadonlyMap<string, YamlField>;
  readonly ctx: StateReadContext;
}

/**
 * Reads one state. Every field is read even when another one is wrong, so all problems surface
 * together; the definition is null as soon as any of them is.
 */
export function readState(
  name: string,
  keyAt: Scalar,
  node: Node | null,
  ctx: StateReadContext,
): StateSource {
  const { reader } = ctx;
  const subject = `state '${name}'`;
  const entries = reader.entries(node, subject, keyAt);
  if (!entries) return { name, keyAt, type: null, transitions: [], definition: null };

  const typeEntry = entries.find((field) => field.name === 'type');
  if (!typeEntry) reader.error(keyAt, `${subject}: missing required field 'type'`);
  const type = typeEntry ? readStateType(reader, typeEntry, subject) : null;
  // A terminal state's transitions get their own message rather than "unknown field".
  const transitionsEntry = entries.find((field) => field.name === 'transitions');
  const fields = type
    ? reader.checkAllowed(
        entries.filter((field) => field !== transitionsEntry),
        STATE_FIELDS[type],
        subject,
        ` in a ${type} state`,
      )
    : reader.checkAllowed(entries, ANY_STATE_FIELDS, subject);
  const parts: StateParts = { name, subject, keyAt, fields, ctx };

  if (type === 'terminal') {
    if (transitionsEntry)
      reader.error(transitionsEntry.key, `${subject}: a terminal state must not have transitions`);
    const outcome = readOutcome(parts);
    return { name, keyAt, type, transitions: [], definition: outcome && { type, name, outcome } };
  }
  const fanOut = type === 'fan-out' ? readFanOutAgents(parts) : null;
  const sources = readStateTransitions(parts, type, transitionsEntry, fanOut?.count ?? null);
  const transitions: TransitionDefinition[] = [];
  for (const { target, condition } of sources)
    if (condition) transitions.push({ target, condition });
  const complete = transitions.length === sources.length && sources.length > 0;
  const definition = type && readDefinition(parts, type, fanOut, complete ? transitions : null);
  return { name, keyAt, type, transitions: sources, definition };
}

function readStateType(reader: YamlReader, field: YamlField, subject: string): StateType | null {
  const text = reader.string(field, subject);
  if (text === null) return null;
  if ((STATE_TYPES as readonly string[]).includes(text)) return text as StateType;
  reader.error(
    reader.valueAnchor(field),
    `${subject}: unknown state type '${text}' (expected one of ${STATE_TYPES.join(', ')})`,
  );
  return null;
}

function readStateTransitions(
  parts: StateParts,
  type: StateType | null,
  field: YamlField | undefined,
  agentCount: number | null,
): TransitionSource[] {
  const { reader } = parts.ctx;
  const missing = `${parts.subject}: a ${type} state needs at least one transition`;
  if (!field) {
    if (type) reader.error(parts.keyAt, missing);
    return [];
  }
  if (type && isSeq(field.value) && field.value.items.length === 0)
    reader.error(field.key, missing);
  return readTransitions(field, {
    reader,
    stateName: parts.name,
    stateType: type,
    knownStates: parts.ctx.knownStates,
    agentCount,
  });
}

function readDefinition(
  parts: StateParts,
  type: Exclude<StateType, 'terminal'>,
  fanOut: FanOutAgents | null,
  transitions: readonly TransitionDefinition[] | null,
): StateDefinition | null {
  const { name } = parts;
  switch (type) {
    case 'initial':
    case 'human-approval':
      return transitions && { type, name, transitions };
    case 'fan-out': {
      const completion = readCompletion(parts, fanOut?.count ?? null);
      const agents = fanOut?.agents;
      return agents && completion && transitions
        ? { type, name, agents, completion, transitions }
        : null;
    }
    case 'single':
    case 'orchestrator-task':
      return readAgentState(parts, type, transitions);
  }
}

function readAgentState(
  parts: StateParts,
  type: 'single' | 'orchestrator-task',
  transitions: readonly TransitionDefinition[] | null,
): StateDefinition | null {
  const { reader } = parts.ctx;
  const agentField = reader.require(parts.fields, 'agent', parts.subject, parts.keyAt);
  const agent =
    agentField &&
    readAgent(agentField.value, reader.valueAnchor(agentField), {
      ...parts.ctx,
      stateName: parts.name,
      stateType: type,
    });
  const outputSchema = readOutputSchema(parts);
  const qualityGate = readQualityGate(parts);
  if (!agent || outputSchema === null || qualityGate === null || !transitions) return null;
  return {
    type,
    name: parts.name,
    agent,
    ...(outputSchema === undefined ? {} : { outputSchema }),
    ...(qualityGate === undefined ? {} : { qualityGate }),
    transitions,
  };
}

interface FanOutAgents {
  /** Null when any agent is invalid. */
  readonly agents: AgentSpec[] | null;
  /** How many agents were declared, valid or not, so quorum checks still run. */
  readonly count: number | null;
}

function readFanOutAgents(parts: StateParts): FanOutAgents {
  const { reader } = parts.ctx;
  const field = reader.require(parts.fields, 'agents', parts.subject, parts.keyAt);
  const items = field && reader.sequence(field, parts.subject);
  if (!field || !items) return { agents: null, count: null };
  if (items.length === 0) {
    reader.error(field.key, `${parts.subject}: a fan-out state needs at least one agent`);
    return { agents: null, count: null };
  }
  const agents = items.map((item) =>
    readAgent(item, item ?? field.key, {
      ...parts.ctx,
      stateName: parts.name,
      stateType: 'fan-out',
    }),
  );
  const valid = agents.every((agent): agent is AgentSpec => agent !== null);
  return { agents: valid ? agents : null, count: items.length };
}

/** `completion: all_complete | any_complete | {quorum: n}`, default all_complete. */
function readCompletion(parts: StateParts, agentCount: number | null): FanOutCompletion | null {
  const { reader } = parts.ctx;
  const field = parts.fields.get('completion');
  if (!field) return { kind: 'all' };
  const value = isScalar(field.value) ? field.value.value : undefined;
  if (value === 'all_complete') return { kind: 'all' };
  if (value === 'any_complete') return { kind: 'any' };
  if (!isMap(field.value)) {
    reader.error(
      reader.valueAnchor(field),
      `${parts.subject}: 'completion' must be all_complete, any_complete or {quorum: n}`,
    );
    return null;
  }
  const fields = reader.fields(field.value, parts.subject, ['quorum']);
  const quorumField = fields && reader.require(fields, 'quorum', parts.subject, field.value);
  const n = quorumField && reader.positiveNumber(quorumField, parts.subject, true);
  if (!quorumField || !n) return null;
  if (agentCount !== null && n > agentCount) {
    reader.error(
      reader.valueAnchor(quorumField),
      `${parts.subject}: quorum ${n} exceeds the ${agentCount} agents of the state`,
    );
    return null;
  }
  return { kind: 'quorum', n };
}

function readOutcome(parts: StateParts): TerminalOutcome | null {
  const field = parts.fields.get('outcome');
  if (!field) return 'completed';
  const value = isScalar(field.value) ? field.value.value : null;
  if (value === 'completed' || value === 'halted') return value;
  parts.ctx.reader.error(
    parts.ctx.reader.valueAnchor(field),
    `${parts.subject}: 'outcome' must be completed or halted`,
  );
  return null;
}

/** undefined: not given; null: given and invalid (reported). */
function readOutputSchema(parts: StateParts): OutputSchemaName | null | undefined {
  const { reader } = parts.ctx;
  const field = parts.fields.get('output_schema');
  if (!field) return undefined;
  const name = reader.string(field, parts.subject);
  if (name === null) return null;
  if (isOutputSchemaName(name)) return name;
  reader.error(
    reader.valueAnchor(field),
    `${parts.subject}: unknown output_schema '${name}' (known: ${OUTPUT_SCHEMA_NAMES.join(', ')})`,
  );
  return null;
}

/** undefined: not given; null: given and invalid (reported). */
function readQualityGate(parts: StateParts): string | null | undefined {
  const { reader, qualityGates } = parts.ctx;
  const field = parts.fields.get('quality_gate');
  if (!field) return undefined;
  const name = reader.string(field, parts.subject);
  if (name === null) return null;
  if (qualityGates && !qualityGates.has(name)) {
    const known = [...qualityGates].sort().join(', ') || 'none are registered';
    reader.error(
      reader.valueAnchor(field),
      `${parts.subject}: unknown quality_gate '${name}' (known: ${known})`,
    );
    return null;
  }
  return name;
}
