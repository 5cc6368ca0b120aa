import { ComparisonOperator } from './condition-ast';
import { ConditionError } from './condition-error';
import { CONDITION_KEYWORDS, ConditionKeyword, ConditionToken } from './condition-token';

const IDENTIFIER_START = /[A-Za-z_]/;
// Hyphens are allowed inside names because state names may contain them (`context.visits.fan-out`);
// the language has no arithmetic, so `a-b` can never mean subtraction.
const IDENTIFIER_PART = /[A-Za-z0-9_-]/;
const DIGIT = /[0-9]/;
const NUMBER = /^-?[0-9]+(?:\.[0-9]+)?/;
const KEYWORDS: ReadonlySet<string> = new Set(CONDITION_KEYWORDS);
const TWO_CHAR_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<=', '>=']);

/** Operators people type from other languages, with the message that points them at ours. */
const FOREIGN_OPERATORS: ReadonlyArray<readonly [string, string]> = [
  ['===', "'===' is not an operator; use '=='"],
  ['!==', "'!==' is not an operator; use '!='"],
  ['&&', "'&&' is not an operator; use 'and'"],
  ['||', "'||' is not an operator; use 'or'"],
  ['=', "'=' is not an operator; use '==' to compare"],
  ['!', "'!' is not an operator; use 'not'"],
  ['[', "'[' is not supported: index with a field path such as result.decision"],
];

/** Splits a condition into tokens, always ending with an `end` token. Throws ConditionError. */
export function tokenizeCondition(text: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'" || ch === '"') {
      const token = readString(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(text.charAt(i + 1)))) {
      const token = readNumber(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (IDENTIFIER_START.test(ch)) {
      let end = i + 1;
      while (end < text.length && IDENTIFIER_PART.test(text.charAt(end))) end += 1;
      const word = text.slice(i, end);
      tokens.push(
        KEYWORDS.has(word)
          ? { kind: 'keyword', keyword: word as ConditionKeyword, offset: i, text: word }
          : { kind: 'identifier', offset: i, text: word },
      );
      i = end;
    } else if (ch === '.' || ch === '(' || ch === ')') {
      tokens.push({ kind: ch, offset: i, text: ch });
      i += 1;
    } else {
      const token = readOperator(text, i);
      tokens.push(token);
      i += token.text.length;
    }
  }
  tokens.push({ kind: 'end', offset: text.length, text: '' });
  return tokens;
}

function readString(text: string, start: number): ConditionToken {
  const quote = text.charAt(start);
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === quote) {
      return { kind: 'string', value, offset: start, text: text.slice(start, i + 1) };
    }
    if (ch === '\\' && i + 1 < text.length) {
      // Only the quote and the backslash need escaping; any other escaped char stands for itself.
      value += text.charAt(i + 1);
      i += 2;
    } else {
      value += ch;
      i += 1;
    }
  }
  throw new ConditionError('unterminated string', start);
}

function readNumber(text: string, start: number): ConditionToken {
  const match = NUMBER.exec(text.slice(start));
  const literal = match?.[0] ?? '';
  const next = text.charAt(start + literal.length);
  if (next !== '' && (IDENTIFIER_PART.test(next) || next === '.')) {
    throw new ConditionError(`invalid number '${literal}${next}'`, start);
  }
  return { kind: 'number', value: Number(literal), offset: start, text: literal };
}

function readOperator(text: string, start: number): ConditionToken {
  const two = text.slice(start, start + 2);
  const three = text.slice(start, start + 3);
  if (three !== '===' && three !== '!==' && TWO_CHAR_OPERATORS.has(two)) {
    return { kind: 'operator', op: two as ComparisonOperator, offset: start, text: two };
  }
  const ch = text.charAt(start);
  if ((ch === '<' || ch === '>') && two !== '<=' && two !== '>=') {
    return { kind: 'operator', op: ch, offset: start, text: ch };
  }
  for (const [spelling, message] of FOREIGN_OPERATORS) {
    if (text.startsWith(spelling, start)) throw new ConditionError(message, start);
  }
  throw new ConditionError(`unexpected character '${ch}'`, start);
}
