/**
 * bench:orchestration — the distributed engine's cost, on one machine, against BullMQ itself.
 *
 * (a) Orchestration overhead per transition: workflow runs one at a time through orchestration
 *     and a simulated agent worker with zero latency; a transition's time is the gap between two
 *     consecutive state entries of a run (so it holds the step's database transaction, the BullMQ
 *     flow of its agent calls, the worker and the completion back), the human-approval wait
 *     excepted. Baseline: a bare BullMQ round trip (add → worker → `completed` event) on the same
 *     Redis, measured in the same run.
 *     Then (a) again with orchestration on a real PostgreSQL server (a throw-away cluster of the
 *     newest installed server binaries, default durability; identity and content stay on the
 *     embedded Postgres, which holds pgvector) and BullMQ measured again: the embedded server runs
 *     every statement of every connection in one WASM session, production runs PostgreSQL ≥ 15.
 *     Skipped, with the reason printed, when no server binaries are installed.
 *     Each time, also the floor chain (floor.ts): the round trips the guarantees themselves need
 *     (step transaction, breaker script, flow, stored result, acknowledged usage event), hand-
 *     written with nothing around them, on the same Redis, NATS and database. It tells the cost
 *     of the guarantees (floor / BullMQ) from orchestration's own (transition / floor).
 * (b) Throughput: 1,000 concurrent runs with 200 ms simulated agents, approved as soon as they ask:
 *     completed runs per second, and the peak resident memory (VmHWM) of every process.
 *
 * Knobs: BENCH_TRANSITION_RUNS (30), BENCH_BULLMQ_ROUNDTRIPS (500), BENCH_CONCURRENT_RUNS (1000),
 * BENCH_AGENT_LATENCY_MS (200), BENCH_FLOOR_RUNS (30). The last line of output is the JSON summary.
 */
import {
  AGENT_QUEUES,
  runEventsSubject,
  type RunDetail,
  type RunEvent,
  type RunSummary,
} from '@postmagiq/contracts';
import { bullConnection } from '@postmagiq/platform';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Client } from 'pg';
// The process-stack kit is shared with tools/chaos: both drive the same distributed stack.
import { peakRssMb, Stack, waitUntil, type DemoAccount } from '@postmagiq/chaos';
import { startPostgresServer, type PostgresServer } from '@postmagiq/platform/testing';
import { measureFloor } from './floor';

const TRANSITION_RUNS = Number(process.env['BENCH_TRANSITION_RUNS'] ?? 30);
const ROUNDTRIPS = Number(process.env['BENCH_BULLMQ_ROUNDTRIPS'] ?? 500);
const CONCURRENT_RUNS = Number(process.env['BENCH_CONCURRENT_RUNS'] ?? 1000);
const AGENT_LATENCY_MS = Number(process.env['BENCH_AGENT_LATENCY_MS'] ?? 200);
const FLOOR_RUNS = Number(process.env['BENCH_FLOOR_RUNS'] ?? 30);
const FLOOR_TRANSITIONS = 8;

const log = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] ?? 0;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Live run events from every orchestration replica (core NATS), dispatched to waiting callers. */
class RunWatcher {
  private readonly waiters = new Map<
    string,
    Array<{ type: RunEvent['type']; resolve(e: RunEvent): void }>
  >();
  private readonly seen = new Map<string, RunEvent[]>();

  constructor(private readonly stack: Stack) {
    stack.nc.subscribe(runEventsSubject('*'), {
      callback: (err, msg) => {
        if (err) return;
        const event = msg.json<RunEvent>();
        const list = this.seen.get(event.runId) ?? [];
        list.push(event);
        this.seen.set(event.runId, list);
        const waiting = this.waiters.get(event.runId) ?? [];
        for (const w of waiting.filter((x) => x.type === event.type)) w.resolve(event);
        this.waiters.set(
          event.runId,
          waiting.filter((x) => x.type !== event.type),
        );
        this.onEvent?.(event);
      },
    });
  }

  onEvent?: (event: RunEvent) => void;

  next(runId: string, type: RunEvent['type'], timeoutMs = 60_000): Promise<RunEvent> {
    const already = this.seen.get(runId)?.find((e) => e.type === type);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`run ${runId}: no ${type} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = this.waiters.get(runId) ?? [];
      list.push({
        type,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
      this.waiters.set(runId, list);
    });
  }

  forget(runId: string): void {
    this.seen.delete(runId);
    this.waiters.delete(runId);
  }
}

async function startRun(stack: Stack, account: DemoAccount): Promise<string> {
  const res = await stack.api<RunSummary>(account.token(), 'POST', '/api/workflows/runs', {
    workflow: 'linkedin_post',
    storyEntryId: account.storyEntryId,
  });
  if (res.status !== 201)
    throw new Error(`start run: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body.id;
}

async function approve(stack: Stack, account: DemoAccount, runId: string): Promise<void> {
  const res = await stack.api(account.token(), 'POST', `/api/workflows/runs/${runId}/approve`);
  if (res.status !== 200)
    throw new Error(`approve ${runId}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}

/** Where a transition's time goes, per agent-calling state visit (ms), from BullMQ's job timestamps. */
interface Breakdown {
  /** state entered (in the step transaction before) → its agent jobs are on the queue */
  dispatch: number;
  /** on the queue → a worker took the first job */
  queueWait: number;
  /** the worker's processing of the slowest call (validation, prompt, agent, Redis, JetStream) */
  worker: number;
  /** last call done → orchestration took the parent (step) job */
  parentWake: number;
  /** orchestration took the step job → the next state is entered */
  step: number;
}

async function breakdown(stack: Stack, run: RunDetail): Promise<Breakdown[]> {
  const opts = bullConnection(stack.redisUrl);
  const queues = new Map<string, Queue>();
  const queue = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = new Queue(name, opts)));
    return q;
  };
  const out: Breakdown[] = [];
  try {
    const visits = [...run.visits].sort((a, b) => a.seq - b.seq);
    for (let i = 0; i + 1 < visits.length; i++) {
      const visit = visits[i];
      const next = visits[i + 1];
      const calls = run.agentCalls.filter((c) => c.seq === visit?.seq);
      if (!visit || !next || calls.length === 0) continue;
      const jobs = await Promise.all(
        calls.map((c) => queue(AGENT_QUEUES[c.backend]).getJob(c.callId)),
      );
      const step = await queue('orchestration.steps').getJob(`${run.id}.${visit.seq}.step`);
      if (jobs.some((j) => !j?.processedOn || !j.finishedOn) || !step?.processedOn) continue;
      const added = Math.min(...jobs.map((j) => j?.timestamp ?? 0));
      const taken = Math.min(...jobs.map((j) => j?.processedOn ?? 0));
      const done = Math.max(...jobs.map((j) => j?.finishedOn ?? 0));
      out.push({
        dispatch: added - Date.parse(visit.at),
        queueWait: taken - added,
        worker: Math.max(...jobs.map((j) => (j?.finishedOn ?? 0) - (j?.processedOn ?? 0))),
        parentWake: step.processedOn - done,
        step: Date.parse(next.at) - step.processedOn,
      });
    }
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
  }
  return out;
}

/** One run, start to finish, approved when it asks; its transition gaps in ms, by state type. */
async function timedRun(
  stack: Stack,
  account: DemoAccount,
  watcher: RunWatcher,
  parts?: Breakdown[],
): Promise<Array<{ type: string; ms: number }>> {
  const runId = await startRun(stack, account);
  await watcher.next(runId, 'approval.requested');
  await approve(stack, account, runId);
  const finished = await watcher.next(runId, 'run.finished');
  watcher.forget(runId);
  if (finished.type === 'run.finished' && finished.status !== 'completed')
    throw new Error(`run ${runId} ended ${finished.status}: ${finished.reason}`);
  const { body: run } = await stack.api<RunDetail>(
    account.token(),
    'GET',
    `/api/workflows/runs/${runId}`,
  );
  if (parts) parts.push(...(await breakdown(stack, run)));
  const visits = [...run.visits].sort((a, b) => a.seq - b.seq);
  const gaps: Array<{ type: string; ms: number }> = [];
  for (let i = 0; i + 1 < visits.length; i++) {
    const from = visits[i];
    const to = visits[i + 1];
    if (!from || !to || from.stateType === 'human-approval') continue; // that one waits for us
    gaps.push({ type: from.stateType, ms: Date.parse(to.at) - Date.parse(from.at) });
  }
  return gaps;
}

/** add → worker → `completed` event, one at a time, on the stack's Redis. */
async function bullmqRoundTrips(redisUrl: string, count: number): Promise<number[]> {
  const opts = bullConnection(redisUrl);
  const name = 'bench.roundtrip';
  const queue = new Queue(name, opts);
  const events = new QueueEvents(name, opts);
  const worker = new Worker(name, async (job) => ({ echo: job.data as unknown }), {
    ...opts,
    concurrency: 1,
  });
  try {
    await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
    const times: number[] = [];
    for (let i = 0; i < count + 50; i++) {
      const started = performance.now();
      const job = await queue.add('echo', { i });
      await job.waitUntilFinished(events, 10_000);
      if (i >= 50) times.push(performance.now() - started); // the first 50 warm up
    }
    return times;
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** Part (a) on the stack as it is: transition gaps, their breakdown, bare BullMQ round trips. */
interface TransitionFigures {
  gaps: Array<{ type: string; ms: number }>;
  parts: Breakdown[];
  bullmqMs: number[];
  /** the floor chain's transitions (floor.ts) on the same Redis, NATS and database */
  floorMs: number[];
}

async function measureTransitions(
  stack: Stack,
  account: DemoAccount,
  watcher: RunWatcher,
  label: string,
  databaseUrl: string,
): Promise<TransitionFigures> {
  log(
    `(a) ${label}: ${TRANSITION_RUNS} runs one at a time with zero-latency simulated agents (after 3 warm-up runs)`,
  );
  for (let i = 0; i < 3; i++) await timedRun(stack, account, watcher);
  const gaps: Array<{ type: string; ms: number }> = [];
  const parts: Breakdown[] = [];
  for (let i = 0; i < TRANSITION_RUNS; i++)
    gaps.push(...(await timedRun(stack, account, watcher, parts)));
  log(`(a) ${label}: bare BullMQ, ${ROUNDTRIPS} round trips on the same Redis`);
  const bullmqMs = await bullmqRoundTrips(stack.redisUrl, ROUNDTRIPS);
  log(
    `(a) ${label}: the floor chain, ${FLOOR_RUNS} runs of ${FLOOR_TRANSITIONS} transitions on the same Redis, NATS and database`,
  );
  const floorMs = await measureFloor({
    redisUrl: stack.redisUrl,
    natsUrl: stack.natsUrl,
    databaseUrl,
    nc: stack.nc,
    runs: FLOOR_RUNS,
    transitionsPerRun: FLOOR_TRANSITIONS,
  });
  return { gaps, parts, bullmqMs, floorMs };
}

/** The JSON figures of part (a). */
function summary(f: TransitionFigures) {
  const transitionMs = f.gaps.map((g) => g.ms);
  const transitionP50Ms = round(percentile(transitionMs, 50));
  const bullmqP50Ms = round(percentile(f.bullmqMs, 50), 2);
  const floorP50Ms = round(percentile(f.floorMs, 50), 2);
  return {
    transitionP50Ms,
    transitionP99Ms: round(percentile(transitionMs, 99)),
    bullmqP50Ms,
    bullmqP99Ms: round(percentile(f.bullmqMs, 99), 2),
    ratio: round(transitionP50Ms / bullmqP50Ms, 2),
    floorP50Ms,
    floorP99Ms: round(percentile(f.floorMs, 99), 2),
    /** what the guarantees alone cost, in bare round trips */
    floorRatio: round(floorP50Ms / bullmqP50Ms, 2),
    /** what orchestration costs beyond them */
    overFloor: round(transitionP50Ms / floorP50Ms, 2),
  };
}

/** The table rows of part (a). */
function transitionRows(title: string, f: TransitionFigures): [string, string][] {
  const s = summary(f);
  const byType = new Map<string, number[]>();
  for (const g of f.gaps) byType.set(g.type, [...(byType.get(g.type) ?? []), g.ms]);
  return [
    [title, `${f.gaps.length} transitions over ${TRANSITION_RUNS} runs (zero-latency agents)`],
    ['    transition p50 / p99', `${s.transitionP50Ms} / ${s.transitionP99Ms} ms`],
    ...[...byType].map(([type, ms]): [string, string] => [
      `      leaving a ${type} state, p50`,
      `${round(percentile(ms, 50))} ms (${ms.length})`,
    ]),
    ...(['dispatch', 'queueWait', 'worker', 'parentWake', 'step'] as const).map(
      (k): [string, string] => [
        `      in an agent state: ${k}, p50`,
        `${round(
          percentile(
            f.parts.map((p) => p[k]),
            50,
          ),
        )} ms`,
      ],
    ),
    [
      '    bare BullMQ round trip p50 / p99',
      `${s.bullmqP50Ms} / ${s.bullmqP99Ms} ms (${f.bullmqMs.length})`,
    ],
    ['    ratio transition p50 / BullMQ p50', `${s.ratio} (target ≤ 3)`],
    [
      '    floor chain p50 / p99 (floor.ts)',
      `${s.floorP50Ms} / ${s.floorP99Ms} ms (${f.floorMs.length}): ${s.floorRatio} × BullMQ; transition p50 = ${s.overFloor} × floor`,
    ],
  ];
}

/** Rows of orchestration's runs table (its schema is `orchestration`) in the database at `url`. */
async function countRuns(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestration.runs',
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * Part (a) again with orchestration on a throw-away PostgreSQL server, then orchestration back on
 * the embedded Postgres and the server gone; the reason instead when no server could be started.
 */
async function measureOnServerPostgres(
  stack: Stack,
  account: DemoAccount,
  watcher: RunWatcher,
): Promise<{ figures: TransitionFigures; version: string } | { skipped: string }> {
  let server: PostgresServer;
  try {
    log('(a) starting a throw-away PostgreSQL server');
    server = await startPostgresServer();
  } catch (e) {
    const skipped = (e as Error).message;
    log(`(a) server-Postgres measurement SKIPPED: ${skipped}`);
    return { skipped: skipped.split('\n')[0] ?? skipped };
  }
  try {
    log(`(a) restarting orchestration on ${server.version}`);
    await stack.setOrchestrationDatabase(server.url);
    try {
      const figures = await measureTransitions(
        stack,
        account,
        watcher,
        'server PostgreSQL',
        server.url,
      );
      // the runs must be in the server's database, not the embedded one
      const runs = await countRuns(server.url);
      if (runs < TRANSITION_RUNS + 3)
        throw new Error(
          `orchestration wrote ${runs} runs to the PostgreSQL server, not ${TRANSITION_RUNS + 3}`,
        );
      log(`(a) server PostgreSQL: ${runs} runs in its orchestration.runs`);
      return { figures, version: server.version };
    } finally {
      log('(a) restarting orchestration on the embedded Postgres');
      await stack.setOrchestrationDatabase(undefined);
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const stack = await Stack.start(
    {
      orchestrationReplicas: 1,
      workers: 1,
      simulatedLatencyMs: 0,
      workerConcurrency: 16,
      orchestrationEnv: { ORCHESTRATION_STEP_CONCURRENCY: '64' },
    },
    log,
  );
  try {
    const account = await stack.demoAccount();
    const watcher = new RunWatcher(stack);
    const orchestration = stack.orchestration[0];
    const worker = stack.workers[0];
    if (!orchestration || !worker) throw new Error('stack without orchestration or worker');

    // ---- (a) transitions, one run at a time, zero-latency agents: embedded, then server Postgres
    const embedded = await measureTransitions(
      stack,
      account,
      watcher,
      'embedded Postgres',
      stack.postgresUrl,
    );
    const server = await measureOnServerPostgres(stack, account, watcher);

    // ---- (b) throughput: N concurrent runs, 200 ms agents, approved when they ask
    log(`(b) ${CONCURRENT_RUNS} concurrent runs with ${AGENT_LATENCY_MS} ms simulated agents`);
    await worker.stop();
    worker.setEnv({ SIMULATED_LATENCY_MS: String(AGENT_LATENCY_MS), AGENT_CONCURRENCY: '1000' });
    await worker.start();
    const completed = new Set<string>();
    const ended = new Map<string, string>();
    const approving: Promise<void>[] = [];
    let lastCompletedAt = 0;
    watcher.onEvent = (event) => {
      if (event.type === 'approval.requested') {
        approving.push(
          approve(stack, account, event.runId).catch((e: Error) => void log(e.message)),
        );
      } else if (event.type === 'run.finished') {
        ended.set(event.runId, event.status);
        if (event.status === 'completed') {
          completed.add(event.runId);
          lastCompletedAt = performance.now();
        }
        watcher.forget(event.runId);
      }
    };
    const startedAt = performance.now();
    const runIds: string[] = [];
    for (let i = 0; i < CONCURRENT_RUNS; i += 50) {
      runIds.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, CONCURRENT_RUNS - i) }, () => startRun(stack, account)),
        )),
      );
    }
    const startedAllMs = performance.now() - startedAt;
    let lastReport = 0;
    await waitUntil(
      () => {
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          log(
            `(b) ${completed.size}/${CONCURRENT_RUNS} completed, ${ended.size - completed.size} ended otherwise`,
          );
        }
        return ended.size >= CONCURRENT_RUNS;
      },
      30 * 60_000,
      `${CONCURRENT_RUNS} runs to finish`,
      250,
    );
    await Promise.all(approving);
    const seconds = (lastCompletedAt - startedAt) / 1000;
    const runsPerSec = round(completed.size / seconds, 2);

    const processes = [
      ...stack.processes.map((p) => ({ name: p.kind, rss: p.samplePeakRss() })),
      { name: 'postgres', rss: peakRssMb(stack.postgresPid) },
    ];
    const peakRssMbByProcess = Object.fromEntries(processes.map((p) => [p.name, p.rss]));

    const e = summary(embedded);
    const s = 'figures' in server ? summary(server.figures) : undefined;
    const skipReason = 'skipped' in server ? server.skipped : '';
    const serverRows: [string, string][] =
      'figures' in server
        ? transitionRows(
            `(a) orchestration on ${server.version.replace(/ \(.*$/, '')}`,
            server.figures,
          )
        : [['(a) orchestration on a PostgreSQL server', `skipped: ${server.skipped}`]];
    const rows: [string, string][] = [
      ...transitionRows('(a) embedded Postgres (PGlite), every service', embedded),
      ...serverRows,
      [
        '(a) transition p50 / p99, side by side',
        `embedded ${e.transitionP50Ms} / ${e.transitionP99Ms} ms` +
          (s
            ? `, server PostgreSQL ${s.transitionP50Ms} / ${s.transitionP99Ms} ms (BullMQ p50 ${e.bullmqP50Ms} / ${s.bullmqP50Ms} ms)`
            : ', server PostgreSQL skipped'),
      ],
      [
        '(b) concurrent runs',
        `${CONCURRENT_RUNS} with ${AGENT_LATENCY_MS} ms agents; all started in ${round(startedAllMs / 1000)} s (${round(CONCURRENT_RUNS / (startedAllMs / 1000), 2)} starts/s, 50 requests in flight)`,
      ],
      ['    completed / ended otherwise', `${completed.size} / ${ended.size - completed.size}`],
      [
        '    completed runs per second',
        `${runsPerSec} (${round(seconds)} s from the first start to the last completion)`,
      ],
      ...processes.map((p): [string, string] => [`    peak RSS ${p.name}`, `${p.rss} MB`]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(
      '\nbench:orchestration — linkedin_post through orchestration and a simulated agent worker, one machine\n',
    );
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(
      JSON.stringify({
        transitionP50Ms: e.transitionP50Ms,
        transitionP99Ms: e.transitionP99Ms,
        bullmqP50Ms: e.bullmqP50Ms,
        ratio: e.ratio,
        floorP50Ms: e.floorP50Ms,
        floorRatio: e.floorRatio,
        runsPerSec,
        peakRssMb: peakRssMbByProcess,
        serverPostgres: s
          ? {
              transitionP50Ms: s.transitionP50Ms,
              transitionP99Ms: s.transitionP99Ms,
              bullmqP50Ms: s.bullmqP50Ms,
              ratio: s.ratio,
              floorP50Ms: s.floorP50Ms,
              floorRatio: s.floorRatio,
            }
          : { skipped: skipReason },
      }),
    );
  } finally {
    await stack.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
