import { ConditionFacts } from './context-facts';
import { evaluateCondition } from './evaluate-condition';
import { parseCondition } from './parse-condition';

const facts: ConditionFacts = {
  result: { decision: 'retry', score: 6.5, ok: true, nested: { list: [1, 2] }, label: 'b' },
  context: {
    visits: { audit: 2 },
    outputs: {},
    transitions: 4,
    costUsd: 0.25,
    elapsedMinutes: 1,
    feedback: null,
    audit: null,
  },
  allComplete: false,
  anyComplete: true,
  completed: 2,
};

function holds(text: string, over: ConditionFacts = facts): boolean {
  const outcome = parseCondition(text);
  if (!outcome.ok) throw new Error(outcome.message);
  return evaluateCondition(outcome.ast, over);
}

describe('evaluateCondition', () => {
  it('evaluates the built-in facts', () => {
    expect(holds('always')).toBe(true);
    expect(holds('all_complete')).toBe(false);
    expect(holds('any_complete')).toBe(true);
  });

  it('compares strings, numbers and booleans', () => {
    expect(holds("result.decision == 'retry'")).toBe(true);
    expect(holds("result.decision != 'retry'")).toBe(false);
    expect(holds('result.score > 6 and result.score <= 6.5')).toBe(true);
    expect(holds('result.score < 6.5 or result.score >= 7')).toBe(false);
    expect(holds("result.label > 'a' and result.label < 'c'")).toBe(true);
    expect(holds('result.ok == true')).toBe(true);
  });

  it('reads context facts', () => {
    expect(holds('context.visits.audit >= 2 and context.transitions == 4')).toBe(true);
    expect(holds('context.feedback == null')).toBe(true);
  });

  it('honours precedence: not applies to the whole comparison', () => {
    expect(holds("not result.decision == 'halt'")).toBe(true);
    expect(holds('not always or always')).toBe(true);
    expect(holds('not (always or always)')).toBe(false);
    expect(holds('always or always and all_complete')).toBe(true);
    expect(holds('(always or always) and all_complete')).toBe(false);
  });

  it('treats missing fields as null without throwing', () => {
    expect(holds('result.missing == null')).toBe(true);
    expect(holds('result.missing.deeper.still == null')).toBe(true);
    expect(holds('context.visits.revise == null')).toBe(true);
    expect(holds('result.missing > 1')).toBe(false);
    expect(holds('result.decision.length == null', { ...facts })).toBe(true);
  });

  it('never walks the prototype chain', () => {
    expect(holds('result.constructor == null and result.__proto__ == null')).toBe(true);
  });

  it('reads the own length of an array, so a condition can count findings', () => {
    expect(holds('result.nested.list.length == 2')).toBe(true);
  });

  it('counts only the boolean true as holding', () => {
    expect(holds('result.decision')).toBe(false);
    expect(holds('result.ok')).toBe(true);
    expect(holds('not result.decision')).toBe(true);
    expect(holds('result.score and always')).toBe(false);
  });

  it('makes ordering between mismatched types false, and equality strict', () => {
    expect(holds("result.score > '1'")).toBe(false);
    expect(holds("result.score <= '100'")).toBe(false);
    expect(holds('result.ok > 0')).toBe(false);
    expect(holds("result.score == '6.5'")).toBe(false);
    expect(holds("result.score != '6.5'")).toBe(true);
    expect(holds('result.nested == null')).toBe(false);
    expect(holds('null == null and (null < 1) == false')).toBe(true);
  });

  it('evaluates a quorum node against the number of completed agents', () => {
    expect(evaluateCondition({ kind: 'quorum', n: 2 }, facts)).toBe(true);
    expect(evaluateCondition({ kind: 'quorum', n: 3 }, facts)).toBe(false);
  });
});
