/**
 * The abstract syntax of a transition condition. Plain JSON data on purpose: a parsed definition
 * can be stored (orchestration keeps definitions in Postgres) and evaluated later without
 * re-parsing the YAML.
 */
export type ConditionLiteral = string | number | boolean | null;

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Bare words with a fixed meaning, computed by the executor for the state just finished. */
export const CONDITION_FACTS = ['always', 'all_complete', 'any_complete'] as const;
export type ConditionFactName = (typeof CONDITION_FACTS)[number];

export const CONDITION_ROOTS = ['result', 'context'] as const;
export type ConditionRoot = (typeof CONDITION_ROOTS)[number];

export type ConditionNode =
  | { readonly kind: 'literal'; readonly value: ConditionLiteral }
  | { readonly kind: 'path'; readonly root: ConditionRoot; readonly segments: readonly string[] }
  | { readonly kind: 'fact'; readonly name: ConditionFactName }
  /** The YAML object form `{quorum: n}`: at least n agents of a fan-out succeeded. */
  | { readonly kind: 'quorum'; readonly n: number }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'and' | 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | {
      readonly kind: 'compare';
      readonly op: ComparisonOperator;
      readonly left: ConditionNode;
      readonly right: ConditionNode;
    };

/** A condition as a definition holds it: the text the author wrote and what it means. */
export interface Condition {
  readonly source: string;
  readonly ast: ConditionNode;
}
