import { ConditionLiteral, ConditionNode } from './condition-ast';
import { ConditionFacts } from './context-facts';

/**
 * A condition holds only when it evaluates to the boolean `true`; in `and`/`or`/`not` anything
 * that is not `true` (null, a string, a missing field) counts as false. Never throws on data.
 */
export function evaluateCondition(node: ConditionNode, facts: ConditionFacts): boolean {
  return evaluate(node, facts) === true;
}

function evaluate(node: ConditionNode, facts: ConditionFacts): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'fact':
      if (node.name === 'always') return true;
      return node.name === 'all_complete' ? facts.allComplete : facts.anyComplete;
    case 'quorum':
      return facts.completed >= node.n;
    case 'path':
      return lookup(node.root === 'result' ? facts.result : facts.context, node.segments);
    case 'not':
      return evaluate(node.operand, facts) !== true;
    case 'and':
      return evaluate(node.left, facts) === true && evaluate(node.right, facts) === true;
    case 'or':
      return evaluate(node.left, facts) === true || evaluate(node.right, facts) === true;
    case 'compare':
      return compare(
        node.op,
        toComparable(evaluate(node.left, facts)),
        toComparable(evaluate(node.right, facts)),
      );
  }
}

/**
 * Own data properties only: `result.constructor` or `result.__proto__` read as missing (null),
 * so a condition cannot reach the prototype chain of the objects it inspects.
 */
function lookup(start: unknown, segments: readonly string[]): unknown {
  let value: unknown = start;
  for (const segment of segments) {
    if (
      typeof value !== 'object' ||
      value === null ||
      !Object.prototype.hasOwnProperty.call(value, segment)
    ) {
      return null;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value === undefined || typeof value === 'function' ? null : value;
}

/** Objects and arrays compare equal to nothing but themselves; missing values are null. */
type Comparable = ConditionLiteral | object;

function toComparable(value: unknown): Comparable {
  if (
    value === undefined ||
    typeof value === 'function' ||
    typeof value === 'symbol' ||
    typeof value === 'bigint'
  ) {
    return null;
  }
  return value as Comparable;
}

function compare(op: string, left: Comparable, right: Comparable): boolean {
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  // Ordering only makes sense between two numbers or two strings; anything else is false.
  const sameKind =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string');
  if (!sameKind) return false;
  const l = left as number | string;
  const r = right as number | string;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}
