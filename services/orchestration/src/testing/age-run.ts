import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RunEngine } from '../engine/run-engine.service';

/**
 * Moves a run's past back by `ms` through one orchestration replica: its start (in Postgres and in
 * the breaker's Redis counters) and the given timestamp columns, as if all of it had happened that
 * much earlier. How tests reach the breaker's limits on elapsed time without waiting for them.
 */
export async function ageRun(
  app: INestApplication,
  id: string,
  ms: number,
  columns: Array<'finished_at' | 'awaiting_since'> = [],
): Promise<void> {
  const engine = app.get(RunEngine);
  const counters = await engine.breaker.counters(id);
  // the store has no API to rewrite a run's start, and should not have one outside tests
  const redis = (
    engine.breaker as unknown as {
      redis: { hset(k: string, f: string, v: string): Promise<number> };
    }
  ).redis;
  await redis.hset(engine.breaker.key(id), 'startedAtMs', String((counters?.startedAtMs ?? 0) - ms));
  const shifted = ['started_at', ...columns].map((c) => `"${c}" = "${c}" - $2 * interval '1 millisecond'`);
  await app
    .get<DataSource>(getDataSourceToken('orchestration'))
    .query(`UPDATE orchestration.runs SET ${shifted.join(', ')} WHERE id = $1`, [id, ms]);
}
