import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { RedisService } from '@postmagiq/platform';
import type { DataSource } from 'typeorm';
import { RedisBreakerCounterStore } from '../breaker/redis-breaker-counter-store';

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
  const breaker = app.get(RedisBreakerCounterStore);
  const counters = await breaker.counters(id);
  // the store has no API to rewrite a run's start, and should not have one outside tests: the
  // field of its hash is rewritten in Redis directly
  await app
    .get(RedisService)
    .client.hset(breaker.key(id), 'startedAtMs', String((counters?.startedAtMs ?? 0) - ms));
  const shifted = ['started_at', ...columns].map(
    (c) => `"${c}" = "${c}" - $2 * interval '1 millisecond'`,
  );
  await app
    .get<DataSource>(getDataSourceToken('orchestration'))
    .query(`UPDATE orchestration.runs SET ${shifted.join(', ')} WHERE id = $1`, [id, ms]);
}
