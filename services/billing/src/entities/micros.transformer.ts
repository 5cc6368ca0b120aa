import type { ValueTransformer } from 'typeorm';

/**
 * `bigint` columns of micro-USD as JavaScript numbers: pg returns int8 as a string (it may exceed
 * 2^53); amounts here stay far below (2^53 micro-USD is about 9 billion USD), so a number is exact.
 */
export const micros: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
