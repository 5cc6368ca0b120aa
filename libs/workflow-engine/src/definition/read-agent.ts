import { AGENT_BACKENDS, AgentBackend, AgentSpec } from '@postmagiq/contracts';
import { isScalar, Node } from 'yaml';
import { StateType } from './workflow-definition';
import { YamlAnchor, YamlReader } from './yaml-reader';

const AGENT_FIELDS = ['name', 'type', 'persona', 'model', 'session_persist'] as const;

export interface AgentReadContext {
  readonly reader: YamlReader;
  readonly stateName: string;
  readonly stateType: StateType;
  /** Persona templates that exist; persona names are not checked when absent. */
  readonly personas?: ReadonlySet<string>;
  /** Agent names already declared in the workflow, with the state that declared them. */
  readonly agentNames: Map<string, string>;
}

/** Reads one agent (`{name, type, persona, model?, session_persist?}`) into an AgentSpec. */
export function readAgent(
  node: Node | null,
  owner: YamlAnchor,
  ctx: AgentReadContext,
): AgentSpec | null {
  const { reader, stateName } = ctx;
  const entries = reader.entries(node, `agent in state '${stateName}'`, owner);
  if (!entries) return null;
  const declaredName = entries.find((f) => f.name === 'name')?.value;
  const label =
    isScalar(declaredName) && typeof declaredName.value === 'string'
      ? `'${declaredName.value}' `
      : '';
  const subject = `agent ${label}in state '${stateName}'`;
  const fields = reader.checkAllowed(entries, AGENT_FIELDS, subject);

  const nameField = reader.require(fields, 'name', subject, node ?? owner);
  const typeField = reader.require(fields, 'type', subject, node ?? owner);
  const personaField = reader.require(fields, 'persona', subject, node ?? owner);
  const name = nameField && reader.name(nameField, subject);
  const backend =
    typeField && readBackend(reader, typeField.value, reader.string(typeField, subject), subject);
  const persona = personaField && reader.string(personaField, subject);
  const modelField = fields.get('model');
  const model = modelField ? reader.string(modelField, subject) : undefined;

  if (name && nameField) {
    const usedIn = ctx.agentNames.get(name);
    if (usedIn !== undefined) {
      reader.error(
        nameField.value ?? nameField.key,
        `${subject}: duplicate agent name (already used in state '${usedIn}')`,
      );
    } else {
      ctx.agentNames.set(name, stateName);
    }
  }
  if (persona && personaField && ctx.personas && !ctx.personas.has(persona)) {
    const known = [...ctx.personas].sort().join(', ') || 'none are loaded';
    reader.error(
      reader.valueAnchor(personaField),
      `${subject}: persona '${persona}' has no template (known: ${known})`,
    );
  }
  const sessionPersist = readSessionPersist(ctx, fields.get('session_persist'), subject);

  if (!name || !backend || !persona || model === null) return null;
  return { name, backend, persona, ...(model === undefined ? {} : { model }), sessionPersist };
}

function readBackend(
  reader: YamlReader,
  at: Node | null,
  type: string | null,
  subject: string,
): AgentBackend | null {
  if (type === null) return null;
  if ((AGENT_BACKENDS as readonly string[]).includes(type)) return type as AgentBackend;
  reader.error(
    at ?? 0,
    `${subject}: unknown agent type '${type}' (expected one of ${AGENT_BACKENDS.join(', ')})`,
  );
  return null;
}

/**
 * orchestrator-task agents always persist their session, so `false` there is a contradiction;
 * elsewhere the engine would ignore `true`, which deserves a warning rather than silence.
 */
function readSessionPersist(
  ctx: AgentReadContext,
  field: Parameters<YamlReader['boolean']>[0] | undefined,
  subject: string,
): boolean {
  const orchestrated = ctx.stateType === 'orchestrator-task';
  if (!field) return orchestrated;
  const value = ctx.reader.boolean(field, subject);
  if (value === false && orchestrated) {
    ctx.reader.error(
      ctx.reader.valueAnchor(field),
      `${subject}: session_persist cannot be false in an orchestrator-task state, whose agent always continues its session`,
    );
  } else if (value === true && !orchestrated) {
    ctx.reader.warning(
      field.key,
      `${subject}: session_persist only has an effect in orchestrator-task states`,
    );
  }
  return orchestrated;
}
