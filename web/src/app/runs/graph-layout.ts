import type { WorkflowDefinitionSummary } from '@postmagiq/contracts';

export interface GraphNode {
  name: string;
  type: string;
  x: number;
  y: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  condition: string;
  /** Goes back to an earlier (or the same) column: a loop such as revise → audit. */
  back: boolean;
  path: string;
}

export const NODE_W = 120;
export const NODE_H = 44;
const COL_GAP = 56;
const ROW_GAP = 28;

/**
 * Columns by breadth-first depth from the initial state, rows in declaration order within a
 * column; forward edges are straight, back edges arc below the nodes. Small enough for the
 * workflows here without a graph library.
 */
export function layoutWorkflow(def: Pick<WorkflowDefinitionSummary, 'initialState' | 'states'>): {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
} {
  const depth = new Map<string, number>([[def.initialState, 0]]);
  const queue = [def.initialState];
  const byName = new Map(def.states.map((s) => [s.name, s]));
  while (queue.length) {
    const name = queue.shift() as string;
    for (const t of byName.get(name)?.transitions ?? []) {
      if (!depth.has(t.target)) {
        depth.set(t.target, (depth.get(name) as number) + 1);
        queue.push(t.target);
      }
    }
  }
  let maxDepth = 0;
  for (const d of depth.values()) maxDepth = Math.max(maxDepth, d);
  for (const s of def.states) if (!depth.has(s.name)) depth.set(s.name, ++maxDepth);
  const rows = new Map<number, number>();
  const nodes: GraphNode[] = def.states.map((s) => {
    const col = depth.get(s.name) as number;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    return {
      name: s.name,
      type: s.type,
      x: 8 + col * (NODE_W + COL_GAP),
      y: 8 + row * (NODE_H + ROW_GAP),
    };
  });
  const at = new Map(nodes.map((n) => [n.name, n]));
  const maxRows = Math.max(1, ...rows.values());
  const height = 8 + maxRows * (NODE_H + ROW_GAP) + 40;
  const edges: GraphEdge[] = [];
  for (const s of def.states) {
    for (const t of s.transitions) {
      const a = at.get(s.name);
      const b = at.get(t.target);
      if (!a || !b) continue;
      const back = b.x <= a.x;
      let path: string;
      if (!back) {
        path = `M ${a.x + NODE_W} ${a.y + NODE_H / 2} L ${b.x - 4} ${b.y + NODE_H / 2}`;
      } else {
        const y = Math.max(a.y, b.y) + NODE_H + 18;
        path = `M ${a.x + NODE_W / 2} ${a.y + NODE_H} C ${a.x + NODE_W / 2} ${y}, ${b.x + NODE_W / 2} ${y}, ${b.x + NODE_W / 2} ${b.y + NODE_H + 4}`;
      }
      edges.push({ from: s.name, to: t.target, condition: t.condition, back, path });
    }
  }
  const width = 16 + (Math.max(...nodes.map((n) => n.x)) + NODE_W);
  return { nodes, edges, width, height };
}
