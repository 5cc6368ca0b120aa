import { z } from 'zod';
import { ProblemException } from '../errors/problem';
import { toOpenApiSchema, ZodValidationPipe } from './zod.pipe';

const Schema = z.strictObject({ email: z.email(), age: z.number().int().optional() });

describe('ZodValidationPipe', () => {
  it('returns the parsed value', () => {
    expect(new ZodValidationPipe(Schema).transform({ email: 'a@b.co' })).toEqual({
      email: 'a@b.co',
    });
  });

  it('answers a 400 problem naming the field', () => {
    try {
      new ZodValidationPipe(Schema).transform({ email: 'nope', age: 1.5 });
      fail('should throw');
    } catch (e) {
      const problem = (e as ProblemException).problem;
      expect(problem.status).toBe(400);
      expect(problem.errors?.map((x: { field: string }) => x.field)).toEqual(['email', 'age']);
      expect(problem.detail).toContain('email');
    }
  });

  it('names unknown fields', () => {
    expect(() => new ZodValidationPipe(Schema).transform({ email: 'a@b.co', admin: true })).toThrow(
      ProblemException,
    );
    try {
      new ZodValidationPipe(Schema).transform({ email: 'a@b.co', admin: true });
    } catch (e) {
      expect((e as ProblemException).problem.errors).toEqual([
        { field: 'admin', message: 'is not allowed' },
      ]);
    }
  });

  it('names the body when it is missing', () => {
    try {
      new ZodValidationPipe(Schema).transform(undefined);
    } catch (e) {
      expect((e as ProblemException).problem.errors?.[0]?.field).toBe('body');
    }
  });

  it('documents the schema as OpenAPI', () => {
    const json = toOpenApiSchema(Schema);
    expect(json['type']).toBe('object');
    expect(Object.keys(json['properties'] as object)).toEqual(['email', 'age']);
  });
});
