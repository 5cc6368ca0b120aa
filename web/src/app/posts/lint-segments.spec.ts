import type { LintFinding } from '@postmagiq/contracts';
import { lintSegments } from './lint-segments';

const f = (start: number, end: number, rule = 'r'): LintFinding => ({
  rule,
  severity: 'warning',
  message: rule,
  location: { start, end, line: 1 },
});

describe('lintSegments (findings marked inline)', () => {
  it('cuts the text around each finding and keeps the rest whole', () => {
    const segs = lintSegments('Hello synergy world', [f(6, 13, 'banned')]);
    expect(segs.map((s) => [s.text, s.findings.map((x) => x.rule)])).toEqual([
      ['Hello ', []],
      ['synergy', ['banned']],
      [' world', []],
    ]);
  });

  it('shares overlapping ranges and ignores findings without a place in the text', () => {
    const segs = lintSegments('abcdef', [
      f(0, 4, 'a'),
      f(2, 6, 'b'),
      { rule: 'c', severity: 'info', message: 'c' },
      f(3, 99, 'd'),
    ]);
    expect(segs.map((s) => [s.text, s.findings.map((x) => x.rule)])).toEqual([
      ['ab', ['a']],
      ['cd', ['a', 'b']],
      ['ef', ['b']],
    ]);
    expect(segs.map((s) => s.text).join('')).toBe('abcdef');
  });
});
