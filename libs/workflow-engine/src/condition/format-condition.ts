import { ConditionNode } from './condition-ast';

/** Canonical text of a condition, fully parenthesised: what the parser understood, for messages. */
export function formatCondition(node: ConditionNode): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string'
        ? `'${node.value.replace(/\\|'/g, (c) => `\\${c}`)}'`
        : String(node.value);
    case 'path':
      return [node.root, ...node.segments].join('.');
    case 'fact':
      return node.name;
    case 'quorum':
      return `{quorum: ${node.n}}`;
    case 'not':
      return `not ${formatCondition(node.operand)}`;
    case 'and':
    case 'or':
      return `(${formatCondition(node.left)} ${node.kind} ${formatCondition(node.right)})`;
    case 'compare':
      return `${formatCondition(node.left)} ${node.op} ${formatCondition(node.right)}`;
  }
}
