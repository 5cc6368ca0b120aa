import { StateSource } from './read-state';
import { stronglyConnectedComponents } from './strongly-connected';
import { YamlAnchor, YamlReader } from './yaml-reader';

export interface GraphCheckInput {
  readonly reader: YamlReader;
  /** Each state once, in document order. */
  readonly states: readonly StateSource[];
  /** The initial state, when initial_state names a state of type initial. */
  readonly initialState: string | null;
  /** Where the `states:` key is, for problems of the graph as a whole. */
  readonly statesAt: YamlAnchor;
}

/**
 * Whole-graph checks: transitions into the initial state, unreachable states, states that can never
 * finish, and loops only the circuit breaker can end. The breaker is a real exit (it halts the run),
 * so a closed loop is a warning, and states that lead into one are not "without a path".
 *
 * States whose shape is already reported as wrong (unknown type, a transition to an unknown state)
 * count as possible exits: where they lead is unknown, and guessing would only add noise.
 */
export function checkGraph({ reader, states, initialState, statesAt }: GraphCheckInput): void {
  const byName = new Map(states.map((state) => [state.name, state]));
  const edges = new Map<string, string[]>();
  const unknown = new Set<string>();
  for (const state of states) {
    if (state.type === null) unknown.add(state.name);
    const targets: string[] = [];
    for (const transition of state.transitions) {
      const target = byName.get(transition.target);
      if (target?.type === 'initial') {
        reader.error(
          transition.targetAt,
          `state '${state.name}': transition to the initial state '${target.name}' is not allowed`,
        );
      }
      if (!target || target.type === 'initial') unknown.add(state.name);
      else targets.push(target.name);
    }
    edges.set(state.name, targets);
  }

  if (initialState) reportUnreachable(reader, states, edges, initialState);
  const closedLoops = reportClosedLoops(reader, states, edges, unknown);
  const terminals = states.filter((state) => state.type === 'terminal').map((state) => state.name);
  if (terminals.length === 0 && !states.some((state) => state.type === null)) {
    reader.error(statesAt, 'workflow: there is no terminal state, so no run could ever finish');
    return;
  }
  reportDeadEnds(reader, states, edges, [...terminals, ...closedLoops, ...unknown]);
}

function reportUnreachable(
  reader: YamlReader,
  states: readonly StateSource[],
  edges: ReadonlyMap<string, readonly string[]>,
  initialState: string,
): void {
  const reached = walk([initialState], edges);
  for (const state of states) {
    if (!reached.has(state.name)) {
      reader.error(
        state.keyAt,
        `state '${state.name}': unreachable from the initial state '${initialState}'`,
      );
    }
  }
}

/** A strongly connected set of states that no transition leaves: only the breaker ends it. */
function reportClosedLoops(
  reader: YamlReader,
  states: readonly StateSource[],
  edges: ReadonlyMap<string, readonly string[]>,
  unknown: ReadonlySet<string>,
): string[] {
  const byName = new Map(states.map((state) => [state.name, state]));
  const order = new Map(states.map((state, i) => [state.name, i]));
  const members: string[] = [];
  for (const component of stronglyConnectedComponents(
    states.map((s) => s.name),
    edges,
  )) {
    const inside = new Set(component);
    const first = component[0];
    if (first === undefined) continue;
    const cyclic = component.length > 1 || (edges.get(first) ?? []).includes(first);
    const leaves = component.some(
      (name) => unknown.has(name) || (edges.get(name) ?? []).some((target) => !inside.has(target)),
    );
    if (!cyclic || leaves) continue;
    const sorted = [...component].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const anchor = byName.get(sorted[0] ?? first);
    const message =
      sorted.length === 1
        ? `state '${sorted[0]}' loops on itself and only the circuit breaker can end it`
        : `states ${sorted.map((name) => `'${name}'`).join(', ')} form a loop that only the circuit breaker can end`;
    if (anchor) reader.warning(anchor.keyAt, message);
    members.push(...component);
  }
  return members;
}

/** States with transitions from which neither a terminal state nor a breaker-ended loop is reachable. */
function reportDeadEnds(
  reader: YamlReader,
  states: readonly StateSource[],
  edges: ReadonlyMap<string, readonly string[]>,
  exits: readonly string[],
): void {
  const reversed = new Map<string, string[]>();
  for (const [from, targets] of edges) {
    for (const target of targets) reversed.set(target, [...(reversed.get(target) ?? []), from]);
  }
  const canFinish = walk(exits, reversed);
  for (const state of states) {
    // States without transitions already have their own error; no need to say it twice.
    if (state.type === 'terminal' || state.transitions.length === 0 || canFinish.has(state.name))
      continue;
    reader.error(state.keyAt, `state '${state.name}': no path to a terminal state`);
  }
}

function walk(
  starts: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  const seen = new Set<string>(starts);
  const queue = [...starts];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of edges.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
