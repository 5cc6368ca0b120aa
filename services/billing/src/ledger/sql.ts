import type { EntityManager } from 'typeorm';

/** The rows of a statement (also of UPDATE/INSERT … RETURNING, which TypeORM otherwise wraps). */
export async function rows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  if (!m.queryRunner) return (await m.query(sql, params)) as T[];
  const result = await m.queryRunner.query(sql, params, true);
  return (result.records ?? []) as T[];
}

/** int8 as pg returns it (a string) to a number of micro-USD. */
export function n(v: string | number | null | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}
