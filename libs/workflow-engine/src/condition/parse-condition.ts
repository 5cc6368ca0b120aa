import {
  CONDITION_FACTS,
  CONDITION_ROOTS,
  ConditionFactName,
  ConditionNode,
  ConditionRoot,
} from './condition-ast';
import { ConditionError } from './condition-error';
import { ConditionToken, describeToken } from './condition-token';
import { CONTEXT_FACT_KEYS, ContextFactKey, STATE_KEYED_CONTEXT_FACTS } from './context-facts';
import { tokenizeCondition } from './tokenize-condition';

export interface ParseConditionOptions {
  /** When given, `context.visits.<x>` and `context.outputs.<x>` must name one of these states. */
  readonly knownStates?: ReadonlySet<string>;
}

export type ParseConditionOutcome =
  | { readonly ok: true; readonly ast: ConditionNode }
  | {
      readonly ok: false;
      readonly message: string;
      /** 0-based, into the text. */ readonly offset: number;
    };

const FACTS: ReadonlySet<string> = new Set(CONDITION_FACTS);
const ROOTS: ReadonlySet<string> = new Set(CONDITION_ROOTS);
const CONTEXT_KEYS: ReadonlySet<string> = new Set(CONTEXT_FACT_KEYS);
const EXPECTED_WORDS = 'result, context, always, all_complete or any_complete';

/**
 * Parses the condition language (precedence, loosest first: or, and, not, comparison, primary).
 * Recursive descent over a token array; there is no code generation anywhere, so a condition can
 * only ever read facts, never call or construct anything.
 */
export function parseCondition(
  text: string,
  options: ParseConditionOptions = {},
): ParseConditionOutcome {
  try {
    const parser = new ConditionParser(tokenizeCondition(text), options);
    return { ok: true, ast: parser.parseWhole() };
  } catch (error) {
    if (error instanceof ConditionError)
      return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }
}

class ConditionParser {
  private index = 0;

  constructor(
    private readonly tokens: readonly ConditionToken[],
    private readonly options: ParseConditionOptions,
  ) {}

  parseWhole(): ConditionNode {
    if (this.peek().kind === 'end') throw new ConditionError('empty condition', 0);
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') {
      const message =
        next.kind === 'operator'
          ? `comparisons cannot be chained: unexpected ${describeToken(next)}; combine them with 'and'`
          : `unexpected ${describeToken(next)} after a complete condition`;
      throw new ConditionError(message, next.offset);
    }
    return node;
  }

  private parseOr(): ConditionNode {
    let left = this.parseAnd();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): ConditionNode {
    let left = this.parseNot();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): ConditionNode {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.parseNot() };
    return this.parseComparison();
  }

  private parseComparison(): ConditionNode {
    const left = this.parsePrimary();
    const token = this.peek();
    if (token.kind !== 'operator') return left;
    this.index += 1;
    return { kind: 'compare', op: token.op, left, right: this.parsePrimary() };
  }

  private parsePrimary(): ConditionNode {
    const token = this.next();
    switch (token.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'keyword':
        if (token.keyword === 'true' || token.keyword === 'false') {
          return { kind: 'literal', value: token.keyword === 'true' };
        }
        if (token.keyword === 'null') return { kind: 'literal', value: null };
        throw new ConditionError(`expected a value, found ${describeToken(token)}`, token.offset);
      case '(': {
        const inner = this.parseOr();
        const close = this.next();
        if (close.kind !== ')') {
          throw new ConditionError(
            `expected ')' to close the '(' at column ${token.offset + 1}, found ${describeToken(close)}`,
            close.offset,
          );
        }
        return inner;
      }
      case 'identifier':
        return this.parseWord(token);
      default:
        throw new ConditionError(`expected a value, found ${describeToken(token)}`, token.offset);
    }
  }

  private parseWord(token: ConditionToken & { kind: 'identifier' }): ConditionNode {
    let node: ConditionNode;
    if (FACTS.has(token.text)) {
      node = { kind: 'fact', name: token.text as ConditionFactName };
    } else if (ROOTS.has(token.text)) {
      node = this.parsePath(token.text as ConditionRoot);
    } else {
      throw new ConditionError(
        `unknown identifier '${token.text}' (expected ${EXPECTED_WORDS})`,
        token.offset,
      );
    }
    const after = this.peek();
    if (after.kind === '(')
      throw new ConditionError('function calls are not supported', after.offset);
    return node;
  }

  private parsePath(root: ConditionRoot): ConditionNode {
    const segments: string[] = [];
    while (this.peek().kind === '.') {
      this.index += 1;
      const segment = this.next();
      // Keywords are fine as field names (`result.not`): after a dot nothing else can follow.
      if (segment.kind !== 'identifier' && segment.kind !== 'keyword') {
        throw new ConditionError(
          `expected a field name after '.', found ${describeToken(segment)}`,
          segment.offset,
        );
      }
      this.checkSegment(root, segments, segment);
      segments.push(segment.text);
    }
    return { kind: 'path', root, segments };
  }

  /** Catches typos where the vocabulary is known: context fields and the states they are keyed by. */
  private checkSegment(
    root: ConditionRoot,
    before: readonly string[],
    segment: ConditionToken,
  ): void {
    if (root !== 'context') return;
    if (before.length === 0 && !CONTEXT_KEYS.has(segment.text)) {
      throw new ConditionError(
        `unknown context field '${segment.text}' (known: ${CONTEXT_FACT_KEYS.join(', ')})`,
        segment.offset,
      );
    }
    const parent = before[0] as ContextFactKey | undefined;
    const states = this.options.knownStates;
    if (
      before.length === 1 &&
      parent &&
      STATE_KEYED_CONTEXT_FACTS.has(parent) &&
      states &&
      !states.has(segment.text)
    ) {
      throw new ConditionError(
        `context.${parent}.${segment.text} names no state of this workflow`,
        segment.offset,
      );
    }
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();
    if (token.kind === 'keyword' && token.keyword === keyword) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private peek(): ConditionToken {
    // The tokenizer always appends an `end` token, and we never advance past it.
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] as ConditionToken;
  }

  private next(): ConditionToken {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }
}
