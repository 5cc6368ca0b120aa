/*
 * The floor of a durable transition: the chain of round trips the guarantees require,
 * hand-written with nothing else (no NestJS, no TypeORM, no validation, no prompts, no metrics,
 * no logs), on the same Redis, NATS and Postgres as the stack, between two processes as in the
 * real design (this one plays orchestration, floor-worker.ts the agent worker). One transition of
 * a single-agent state:
 *
 *   step job taken → its child's value → BEGIN; the run's row FOR UPDATE; the visit's calls;
 *   one write (call row, transition row with its unique (run_id, seq), run row); COMMIT
 *   → the breaker's Lua script → the state event on core NATS → the next visit's flow (parent
 *   step job + one agent job, deterministic ids) → worker: stored-result lookup, tokens on NATS,
 *   store once, usage on JetStream with its msgID and ack, complete → the parent wakes here.
 *
 * A transition's time is the gap between two consecutive commits of a run, as bench (a) takes
 * the gap between two state entries. What orchestration does beyond this floor is its overhead
 * proper; the floor itself is what no implementation of the same guarantees on this machine gets
 * under.
 */
import { redisConnectionOptions } from '@postmagiq/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { firstMessage, stopOverIpc } from '../ipc-child';
import {
  FLOOR_AGENT_QUEUE,
  FLOOR_PREFIX,
  FLOOR_STEP_QUEUE,
  FLOOR_USAGE_STREAM,
} from './floor-names';

const repoRoot = resolve(__dirname, '../../..');

const SCHEMA = `
CREATE SCHEMA IF NOT EXISTS bench_floor;
CREATE TABLE IF NOT EXISTS bench_floor.runs (
  id uuid PRIMARY KEY, seq int NOT NULL, state text NOT NULL, status text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS bench_floor.transitions (
  run_id uuid NOT NULL REFERENCES bench_floor.runs(id), seq int NOT NULL, from_state text NOT NULL,
  to_state text NOT NULL, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, seq));
CREATE TABLE IF NOT EXISTS bench_floor.calls (
  call_id text PRIMARY KEY, run_id uuid NOT NULL REFERENCES bench_floor.runs(id), seq int NOT NULL,
  result jsonb NOT NULL);`;

/** Counts a transition and a visit, refuses past a limit: the breaker's shape, one round trip. */
const BREAKER = `
local t = redis.call('HINCRBY', KEYS[1], 'transitions', 1)
local v = redis.call('HINCRBY', KEYS[1], 'visit:' .. ARGV[1], 1)
redis.call('HINCRBYFLOAT', KEYS[1], 'costUsd', ARGV[2])
if t > tonumber(ARGV[3]) or v > tonumber(ARGV[3]) then return 0 end
return 1`;

export interface FloorOptions {
  redisUrl: string;
  natsUrl: string;
  /** where the floor's tables go (schema bench_floor, dropped afterwards) */
  databaseUrl: string;
  /** the stack driver's NATS connection, for the state events */
  nc: NatsConnection;
  runs: number;
  transitionsPerRun: number;
}

interface StepData {
  runId: string;
  seq: number;
}

function startWorker(redisUrl: string, natsUrl: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'floor-worker.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        NATS_URL: natsUrl,
        SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json'),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return firstMessage(child, 'floor-worker').then(() => child);
}

/**
 * Runs `runs` runs of `transitionsPerRun` transitions, one at a time, after three warm-up runs;
 * the gaps between their commits, in ms. Leaves nothing behind (tables, queues, keys, stream).
 */
export async function measureFloor(o: FloorOptions): Promise<number[]> {
  const connection = { ...redisConnectionOptions(o.redisUrl), maxRetriesPerRequest: null };
  const pool = new Pool({ connectionString: o.databaseUrl, max: 4 });
  const redis = new Redis(connection);
  const flows = new FlowProducer({ connection, prefix: FLOOR_PREFIX });
  const commits = new Map<string, number[]>();
  const finished = new Map<string, () => void>();
  let steps: Worker<StepData> | undefined;
  let agentWorker: ChildProcess | undefined;

  /** Enters visit `seq` of a run: the step transaction, the breaker, the event, the next flow. */
  const enter = async (runId: string, seq: number, childValues: Record<string, unknown>) => {
    const last = seq === o.transitionsPerRun;
    const next = last ? 'complete' : `state${seq}`;
    const client: PoolClient = await pool.connect();
    try {
      await client.query('BEGIN');
      const run = await client.query<{ seq: number; state: string }>(
        'SELECT seq, state FROM bench_floor.runs WHERE id = $1 FOR UPDATE',
        [runId],
      );
      if (run.rows[0]?.seq !== seq - 1)
        throw new Error(`floor run ${runId}: at ${run.rows[0]?.seq}, not ${seq - 1}`);
      await client.query('SELECT call_id FROM bench_floor.calls WHERE run_id = $1 AND seq = $2', [
        runId,
        seq - 1,
      ]);
      const results = Object.entries(childValues);
      await client.query(
        `WITH c AS (INSERT INTO bench_floor.calls (call_id, run_id, seq, result)
                    SELECT k, $1, $2, v::jsonb FROM unnest($3::text[], $4::text[]) AS x(k, v)),
              t AS (INSERT INTO bench_floor.transitions (run_id, seq, from_state, to_state) VALUES ($1, $5, $6, $7))
         UPDATE bench_floor.runs SET seq = $5, state = $7, status = $8, updated_at = now() WHERE id = $1`,
        [
          runId,
          seq - 1,
          results.map(([k]) => k),
          results.map(([, v]) => JSON.stringify(v)),
          seq,
          run.rows[0]?.state,
          next,
          last ? 'completed' : 'running',
        ],
      );
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    commits.get(runId)?.push(performance.now());
    const allowed = await redis.eval(
      BREAKER,
      1,
      `floor:breaker:${runId}`,
      `state${seq}`,
      '0',
      String(o.transitionsPerRun + 1),
    );
    if (allowed !== 1) throw new Error(`floor run ${runId}: breaker refused seq ${seq}`);
    o.nc.publish(
      `bench.floor.events.${runId}`,
      JSON.stringify({ type: 'state.entered', runId, seq, state: next }),
    );
    if (last) {
      finished.get(runId)?.();
      return;
    }
    await flows.add({
      name: 'step',
      queueName: FLOOR_STEP_QUEUE,
      data: { runId, seq },
      opts: { jobId: `${runId}.${seq}.step` },
      children: [
        {
          name: 'call',
          queueName: FLOOR_AGENT_QUEUE,
          data: { runId, seq, callId: `${runId}.${seq}.writer` },
          opts: { jobId: `${runId}.${seq}.writer` },
        },
      ],
    });
  };

  /** Removes the floor's queues, keys, stream and tables: every step tried, the first failure thrown. */
  const leaveNothing = async () => {
    const steps: Array<() => Promise<unknown>> = [
      ...[FLOOR_STEP_QUEUE, FLOOR_AGENT_QUEUE].map((name) => async () => {
        const queue = new Queue(name, { connection, prefix: FLOOR_PREFIX });
        try {
          await queue.obliterate({ force: true });
        } finally {
          await queue.close();
        }
      }),
      async () => {
        const keys = await redis.keys('floor:*');
        if (keys.length > 0) await redis.del(...keys);
      },
      async () => {
        const jsm = await jetstreamManager(o.nc);
        await jsm.streams.delete(FLOOR_USAGE_STREAM).catch((e: Error) => {
          if (!/not found/i.test(e.message)) throw e;
        });
      },
      () => pool.query('DROP SCHEMA IF EXISTS bench_floor CASCADE'),
    ];
    const failures = (await Promise.allSettled(steps.map((step) => step()))).filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failures[0]) throw failures[0].reason;
  };

  try {
    await leaveNothing(); // what a crashed run left would be processed during this one
    await pool.query(SCHEMA);
    agentWorker = await startWorker(o.redisUrl, o.natsUrl);
    steps = new Worker<StepData>(
      FLOOR_STEP_QUEUE,
      async (job: Job<StepData>) =>
        enter(job.data.runId, job.data.seq + 1, await job.getChildrenValues()),
      { connection, prefix: FLOOR_PREFIX, concurrency: 16 },
    );
    steps.on('failed', (job, err) =>
      process.stderr.write(`floor step ${job?.id} failed: ${err.message}\n`),
    );
    await steps.waitUntilReady();

    const gaps: number[] = [];
    const WARM_UP_RUNS = 3;
    for (let r = 0; r < WARM_UP_RUNS + o.runs; r++) {
      const runId = randomUUID();
      commits.set(runId, []);
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<void>((ok, fail) => {
        timer = setTimeout(
          () => fail(new Error(`floor run ${runId} did not finish in 60 s`)),
          60_000,
        );
        finished.set(runId, ok);
      });
      done.catch(() => undefined); // awaited below, unless starting the run fails first
      try {
        await pool.query(
          `INSERT INTO bench_floor.runs (id, seq, state, status) VALUES ($1, 0, 'start', 'running')`,
          [runId],
        );
        await enter(runId, 1, {});
        await done;
      } finally {
        clearTimeout(timer);
      }
      const at = commits.get(runId) ?? [];
      if (r >= WARM_UP_RUNS)
        for (let i = 1; i < at.length; i++) gaps.push((at[i] as number) - (at[i - 1] as number));
      commits.delete(runId);
      finished.delete(runId);
    }
    return gaps;
  } finally {
    await steps?.close();
    if (agentWorker) await stopOverIpc(agentWorker, 10_000);
    await flows.close();
    // a failure here is reported, not thrown: it must not hide the one that ended the measurement
    await leaveNothing().catch((e: Error) =>
      process.stderr.write(`floor cleanup failed: ${e.message}\n`),
    );
    redis.disconnect();
    await pool.end().catch(() => undefined);
  }
}
