import { z } from 'zod';
import { describeZodIssues } from './zod-issues';

describe('describeZodIssues', () => {
  const Schema = z.strictObject({ a: z.number(), nested: z.object({ b: z.string() }) });

  it('names each problem by its path, on one line', () => {
    const parsed = Schema.safeParse({ a: 'x', nested: { b: 1 } });
    expect(parsed.success).toBe(false);
    expect(describeZodIssues(parsed.error as z.ZodError)).toBe(
      'a: Invalid input: expected number, received string; nested.b: Invalid input: expected string, received number',
    );
  });

  it('names a top-level problem by the root it is given', () => {
    const parsed = Schema.safeParse('nope');
    expect(describeZodIssues(parsed.error as z.ZodError)).toMatch(/^\(root\): /);
    expect(describeZodIssues(parsed.error as z.ZodError, '(payload)')).toMatch(/^\(payload\): /);
  });
});
