import { Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { INT4_MAX } from '@postmagiq/contracts';
import { Problems } from '../errors/problem';

export interface IntParamBounds {
  min?: number;
  /** Defaults to the largest Postgres `integer`. */
  max?: number;
}

/** An integer path parameter within bounds, or a 400 naming it. */
export class IntParamPipe implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly bounds: Required<IntParamBounds>,
  ) {}

  transform(value: string): number {
    const n = /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < this.bounds.min || n > this.bounds.max) {
      throw Problems.validation([
        {
          field: this.name,
          message: `must be an integer from ${this.bounds.min} to ${this.bounds.max}`,
        },
      ]);
    }
    return n;
  }
}

/** `@IntParam('number', { min: 1 })`: a validated integer path parameter, documented as such. */
export function IntParam(name: string, bounds: IntParamBounds = {}): ParameterDecorator {
  const b = { min: bounds.min ?? 0, max: bounds.max ?? INT4_MAX };
  return (target, key, index) => {
    Param(name, new IntParamPipe(name, b))(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor)
      ApiParam({ name, schema: { type: 'integer', minimum: b.min, maximum: b.max } })(
        target,
        key,
        descriptor,
      );
  };
}
