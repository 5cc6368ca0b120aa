import { isMap, isScalar, Node } from 'yaml';
import { Condition } from '../condition/condition-ast';
import { parseCondition } from '../condition/parse-condition';
import { StateType } from './workflow-definition';
import { YamlField, YamlReader } from './yaml-reader';

/** A transition as read, with the node its target came from for later graph diagnostics. */
export interface TransitionSource {
  readonly target: string;
  readonly targetAt: Node;
  readonly condition: Condition | null;
}

export interface TransitionReadContext {
  readonly reader: YamlReader;
  readonly stateName: string;
  readonly stateType: StateType | null;
  readonly knownStates: ReadonlySet<string>;
  /** Agents of a fan-out state, for `{quorum: n}`; null for other states. */
  readonly agentCount: number | null;
}

/** Reads `transitions: [{target, condition}]`; unknown targets are reported here. */
export function readTransitions(field: YamlField, ctx: TransitionReadContext): TransitionSource[] {
  const { reader, stateName } = ctx;
  const subject = `state '${stateName}'`;
  const items = reader.sequence(field, subject);
  if (!items) return [];
  const transitions: TransitionSource[] = [];
  items.forEach((item, index) => {
    const itemSubject = `transition ${index + 1} of state '${stateName}'`;
    const fields = reader.fields(item, itemSubject, ['target', 'condition'], item ?? field.key);
    if (!fields) return;
    const targetField = reader.require(fields, 'target', itemSubject, item ?? field.key);
    const conditionField = reader.require(fields, 'condition', itemSubject, item ?? field.key);
    const target = targetField && reader.string(targetField, itemSubject);
    const condition = conditionField && readCondition(conditionField, ctx);
    if (!target || !targetField?.value) return;
    if (!ctx.knownStates.has(target)) {
      reader.error(targetField.value, `${subject}: transition to unknown state '${target}'`);
    }
    transitions.push({ target, targetAt: targetField.value, condition });
  });
  return transitions;
}

function readCondition(field: YamlField, ctx: TransitionReadContext): Condition | null {
  const { reader, stateName } = ctx;
  const subject = `state '${stateName}'`;
  const node = field.value;
  if (isMap(node)) return readQuorumCondition(field, ctx);
  if (!isScalar(node) || node.value === null) {
    reader.error(
      reader.valueAnchor(field),
      `${subject}: 'condition' must be a condition string or {quorum: n}`,
    );
    return null;
  }
  // `condition: true` is a YAML boolean; the language reads the same text, so take the source.
  const text = typeof node.value === 'string' ? node.value : String(node.source ?? node.value);
  const parsed = parseCondition(text, { knownStates: ctx.knownStates });
  if (!parsed.ok) {
    reader.error(
      reader.offsetInScalar(node, parsed.offset),
      `${subject}: invalid condition: ${parsed.message}`,
    );
    return null;
  }
  return { source: text, ast: parsed.ast };
}

function readQuorumCondition(field: YamlField, ctx: TransitionReadContext): Condition | null {
  const { reader, stateName } = ctx;
  const subject = `state '${stateName}'`;
  const fields = reader.fields(field.value, subject, ['quorum']);
  const quorumField = fields && reader.require(fields, 'quorum', subject, field.value ?? field.key);
  const n = quorumField && reader.positiveNumber(quorumField, subject, true);
  if (!quorumField || n === null || n === undefined) return null;
  if (ctx.stateType !== null && ctx.stateType !== 'fan-out') {
    reader.error(
      field.value ?? field.key,
      `${subject}: a {quorum: n} condition only applies to a fan-out state`,
    );
    return null;
  }
  if (ctx.agentCount !== null && n > ctx.agentCount) {
    reader.error(
      reader.valueAnchor(quorumField),
      `${subject}: quorum ${n} exceeds the ${ctx.agentCount} agents of the state`,
    );
    return null;
  }
  return { source: `{quorum: ${n}}`, ast: { kind: 'quorum', n } };
}
