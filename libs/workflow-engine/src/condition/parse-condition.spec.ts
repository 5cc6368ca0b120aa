import { formatCondition } from './format-condition';
import { parseCondition, ParseConditionOptions } from './parse-condition';

function canonical(text: string): string {
  const outcome = parseCondition(text);
  if (!outcome.ok) throw new Error(`unexpected error at ${outcome.offset}: ${outcome.message}`);
  return formatCondition(outcome.ast);
}

function rejection(
  text: string,
  options?: ParseConditionOptions,
): { col: number; message: string } {
  const outcome = parseCondition(text, options);
  if (outcome.ok) throw new Error(`expected '${text}' to be rejected`);
  return { col: outcome.offset + 1, message: outcome.message };
}

describe('parseCondition', () => {
  describe('precedence', () => {
    it('binds and tighter than or', () => {
      expect(canonical('always or all_complete and any_complete')).toBe(
        '(always or (all_complete and any_complete))',
      );
    });

    it('binds not looser than a comparison and tighter than and', () => {
      expect(canonical("not result.decision == 'halt' and always")).toBe(
        "(not result.decision == 'halt' and always)",
      );
      const outcome = parseCondition("not result.decision == 'halt'");
      expect(outcome.ok && outcome.ast.kind).toBe('not');
    });

    it('lets parentheses override precedence', () => {
      expect(canonical('(always or all_complete) and any_complete')).toBe(
        '((always or all_complete) and any_complete)',
      );
    });

    it('chains or and and left-associatively', () => {
      expect(canonical('always or any_complete or all_complete')).toBe(
        '((always or any_complete) or all_complete)',
      );
    });

    it('accepts a double not', () => {
      expect(canonical('not not always')).toBe('not not always');
    });
  });

  describe('primaries', () => {
    it('reads single- and double-quoted strings with escapes', () => {
      expect(canonical(`result.a == 'it\\'s' or result.b == "say \\"hi\\""`)).toBe(
        `(result.a == 'it\\'s' or result.b == 'say "hi"')`,
      );
    });

    it('reads integers, decimals and negative numbers', () => {
      expect(canonical('result.score >= 7.5 and context.costUsd < 3 and result.delta > -2')).toBe(
        '((result.score >= 7.5 and context.costUsd < 3) and result.delta > -2)',
      );
    });

    it('reads true, false and null', () => {
      expect(canonical('result.a == true or result.b != false or result.c == null')).toBe(
        '((result.a == true or result.b != false) or result.c == null)',
      );
    });

    it('reads nested field paths under result and context, keywords included as field names', () => {
      expect(canonical('context.visits.audit < 3 and result.not.or == 1 and result')).toBe(
        '((context.visits.audit < 3 and result.not.or == 1) and result)',
      );
    });

    it('reads state names with hyphens in field paths', () => {
      expect(canonical('context.visits.fan-out == 1')).toBe('context.visits.fan-out == 1');
    });
  });

  describe('rejections, with the 1-based column of the problem', () => {
    it.each([
      [
        "constructor.constructor('x')()",
        1,
        "unknown identifier 'constructor' (expected result, context, always, all_complete or any_complete)",
      ],
      [
        'process.exit()',
        1,
        "unknown identifier 'process' (expected result, context, always, all_complete or any_complete)",
      ],
      ['result.toString()', 16, 'function calls are not supported'],
      ['always()', 7, 'function calls are not supported'],
      ['result[0]', 7, "'[' is not supported: index with a field path such as result.decision"],
      ['a = b', 3, "'=' is not an operator; use '==' to compare"],
      ["result.decision = 'retry'", 17, "'=' is not an operator; use '==' to compare"],
      ["result.decision === 'retry'", 17, "'===' is not an operator; use '=='"],
      ['always && any_complete', 8, "'&&' is not an operator; use 'and'"],
      ['always || any_complete', 8, "'||' is not an operator; use 'or'"],
      ['!always', 1, "'!' is not an operator; use 'not'"],
      ["result.decision == 'retry", 20, 'unterminated string'],
      ['always any_complete', 8, "unexpected 'any_complete' after a complete condition"],
      [
        'result.a == 1 == 2',
        15,
        "comparisons cannot be chained: unexpected '=='; combine them with 'and'",
      ],
      [
        '(always or any_complete',
        24,
        "expected ')' to close the '(' at column 1, found the end of the condition",
      ],
      ['result.score >=', 16, 'expected a value, found the end of the condition'],
      ['always and', 11, 'expected a value, found the end of the condition'],
      ['result.', 8, "expected a field name after '.', found the end of the condition"],
      ['result.1', 8, "expected a field name after '.', found '1'"],
      [
        'context.vists.audit',
        9,
        "unknown context field 'vists' (known: visits, outputs, transitions, costUsd, elapsedMinutes, feedback, audit)",
      ],
      ['1abc == 1', 1, "invalid number '1a'"],
      ['result.a == $x', 13, "unexpected character '$'"],
      ['   ', 1, 'empty condition'],
      ['{quorum: 2}', 1, "unexpected character '{'"],
      ['and', 1, "expected a value, found 'and'"],
    ])('rejects %s', (text, col, message) => {
      expect(rejection(text)).toEqual({ col, message });
    });

    it('rejects context.visits of a state the workflow does not have', () => {
      expect(rejection('context.visits.audt > 1', { knownStates: new Set(['audit']) })).toEqual({
        col: 16,
        message: 'context.visits.audt names no state of this workflow',
      });
    });
  });
});
