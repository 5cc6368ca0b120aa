import { ComparisonOperator } from './condition-ast';

export const CONDITION_KEYWORDS = ['and', 'or', 'not', 'true', 'false', 'null'] as const;
export type ConditionKeyword = (typeof CONDITION_KEYWORDS)[number];

export type ConditionToken =
  | {
      readonly kind: 'string';
      readonly value: string;
      readonly offset: number;
      readonly text: string;
    }
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly offset: number;
      readonly text: string;
    }
  | { readonly kind: 'identifier'; readonly offset: number; readonly text: string }
  | {
      readonly kind: 'keyword';
      readonly keyword: ConditionKeyword;
      readonly offset: number;
      readonly text: string;
    }
  | {
      readonly kind: 'operator';
      readonly op: ComparisonOperator;
      readonly offset: number;
      readonly text: string;
    }
  | { readonly kind: '.' | '(' | ')'; readonly offset: number; readonly text: string }
  | { readonly kind: 'end'; readonly offset: number; readonly text: '' };

/** How an error message names a token. */
export function describeToken(token: ConditionToken): string {
  return token.kind === 'end' ? 'the end of the condition' : `'${token.text}'`;
}
