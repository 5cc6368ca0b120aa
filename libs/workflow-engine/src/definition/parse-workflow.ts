import { isScalar, LineCounter, parseDocument } from 'yaml';
import { checkGraph } from './check-graph';
import { Diagnostic } from './diagnostic';
import { readLimits } from './read-limits';
import { readState, StateReadContext, StateSource } from './read-state';
import { StateDefinition, WorkflowDefinition } from './workflow-definition';
import { YamlField, YamlReader } from './yaml-reader';

export interface ParseWorkflowOptions {
  /** How diagnostics name the source (usually its path). */
  readonly file: string;
  /** Persona templates that exist; when given, an agent naming another persona is an error. */
  readonly personas?: ReadonlySet<string>;
  /** Quality gates the runtime provides; when given, a state naming another gate is an error. */
  readonly qualityGates?: ReadonlySet<string>;
}

export type ParseOutcome =
  | { readonly ok: true; readonly definition: WorkflowDefinition; readonly warnings: Diagnostic[] }
  | { readonly ok: false; readonly errors: Diagnostic[]; readonly warnings: Diagnostic[] };

const WORKFLOW_FIELDS = ['name', 'initial_state', 'limits', 'states'] as const;

/**
 * Parses and validates a workflow definition, reporting every problem at once with the position
 * of the YAML node it is about. Syntax errors stop here: checking the meaning of a half-parsed
 * document would only add noise to the real message.
 */
export function parseWorkflow(source: string, options: ParseWorkflowOptions): ParseOutcome {
  const lineCounter = new LineCounter();
  // Duplicate keys are checked by the reader, which can say "duplicate state" where it matters.
  const document = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const reader = new YamlReader(options.file, source, lineCounter, document);
  for (const error of document.errors) reader.error(error.pos[0], `invalid YAML: ${error.message}`);
  for (const warning of document.warnings) reader.warning(warning.pos[0], warning.message);
  if (document.errors.length > 0)
    return { ok: false, errors: reader.errors(), warnings: reader.warnings() };

  const definition = readDocument(reader, document.contents, options);
  const errors = reader.errors();
  if (errors.length > 0 || !definition) return { ok: false, errors, warnings: reader.warnings() };
  return { ok: true, definition, warnings: reader.warnings() };
}

function readDocument(
  reader: YamlReader,
  contents: Parameters<YamlReader['resolve']>[0],
  options: ParseWorkflowOptions,
): WorkflowDefinition | null {
  const root = reader.resolve(contents);
  if (!root || (isScalar(root) && root.value === null)) {
    reader.error(0, "the document is empty: expected a 'workflow' mapping");
    return null;
  }
  const rootFields = reader.fields(root, 'document', ['workflow']);
  const workflowField = rootFields && reader.require(rootFields, 'workflow', 'document', root);
  if (!workflowField) return null;
  const fields = reader.fields(
    workflowField.value,
    'workflow',
    WORKFLOW_FIELDS,
    reader.valueAnchor(workflowField),
  );
  if (!fields) return null;

  const nameField = reader.require(fields, 'name', 'workflow', workflowField.key);
  const initialField = reader.require(fields, 'initial_state', 'workflow', workflowField.key);
  const statesField = reader.require(fields, 'states', 'workflow', workflowField.key);
  const name = nameField && reader.name(nameField, 'workflow');
  const initialState = initialField && reader.string(initialField, 'workflow');
  const limits = readLimits(fields.get('limits'), reader);
  const states = statesField ? readStates(reader, statesField, options) : null;
  if (!states || !statesField) return null;

  const initial =
    initialState && initialField
      ? checkInitialState(reader, initialField, initialState, states)
      : null;
  checkGraph({ reader, states, initialState: initial, statesAt: statesField.key });

  const definitions: Record<string, StateDefinition> = {};
  for (const state of states) {
    if (!state.definition) return null;
    definitions[state.name] = state.definition;
  }
  return name && initial ? { name, initialState: initial, limits, states: definitions } : null;
}

function readStates(
  reader: YamlReader,
  field: YamlField,
  options: ParseWorkflowOptions,
): StateSource[] | null {
  const entries = reader.entries(
    field.value,
    'workflow',
    reader.valueAnchor(field),
    (name, line) => {
      return `duplicate state '${name}' (first defined on line ${line})`;
    },
  );
  if (!entries) return null;
  if (entries.length === 0) {
    reader.error(field.key, "workflow: 'states' must define at least one state");
    return null;
  }
  const ctx: StateReadContext = {
    reader,
    knownStates: new Set(entries.map((entry) => entry.name)),
    agentNames: new Map(),
    ...(options.personas ? { personas: options.personas } : {}),
    ...(options.qualityGates ? { qualityGates: options.qualityGates } : {}),
  };
  const states: StateSource[] = [];
  for (const entry of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(entry.name)) {
      reader.error(
        entry.key,
        `state '${entry.name}': a state name must start with a letter or '_' and contain only letters, digits, '_' and '-'`,
      );
    }
    states.push(readState(entry.name, entry.key, entry.value, ctx));
  }
  return states;
}

/** initial_state must name a state, and that state must be of type initial. */
function checkInitialState(
  reader: YamlReader,
  field: YamlField,
  name: string,
  states: readonly StateSource[],
): string | null {
  const state = states.find((candidate) => candidate.name === name);
  if (!state) {
    reader.error(
      reader.valueAnchor(field),
      `workflow: initial_state '${name}' is not a state of this workflow`,
    );
    return null;
  }
  if (state.type !== null && state.type !== 'initial') {
    reader.error(
      reader.valueAnchor(field),
      `workflow: initial_state '${name}' is a ${state.type} state; it must be of type initial`,
    );
    return null;
  }
  return state.type === 'initial' ? name : null;
}
