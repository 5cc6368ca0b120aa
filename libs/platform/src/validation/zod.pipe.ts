import { Body, PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { FieldError, Problems } from '../errors/problem';

export function zodIssuesToFieldErrors(error: z.ZodError, root = 'body'): FieldError[] {
  return error.issues.map((issue) => {
    const keys =
      issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys : undefined;
    const path = issue.path.map(String).join('.');
    if (keys && keys.length > 0) {
      return { field: [path, keys.join(',')].filter(Boolean).join('.'), message: 'is not allowed' };
    }
    return { field: path || root, message: issue.message };
  });
}

/** Parses a value with a zod schema (shared from contracts) or answers 400 naming each field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly root = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? (this.root === 'body' ? undefined : {}));
    if (!result.success) throw Problems.validation(zodIssuesToFieldErrors(result.error, this.root));
    return result.data;
  }
}

export function toOpenApiSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

function describeParam(
  target: object,
  key: string | symbol | undefined,
  apply: MethodDecorator,
): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor) apply(target, key, descriptor);
}

/** `@ZodBody(Schema)`: validated body, documented in OpenAPI from the same schema. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, 'body'))(target, key, index);
    describeParam(target, key, ApiBody({ schema: toOpenApiSchema(schema) }));
  };
}

/** `@ZodQuery(Schema)`: the whole query string parsed by an object schema. */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema, 'query'))(target, key, index);
    for (const [name, field] of Object.entries(schema.shape)) {
      describeParam(
        target,
        key,
        ApiQuery({
          name,
          required: !(field as z.ZodType).safeParse(undefined).success,
          schema: toOpenApiSchema(field as z.ZodType),
        }),
      );
    }
  };
}
