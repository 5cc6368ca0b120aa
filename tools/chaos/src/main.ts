/**
 * npm run chaos — N concurrent workflow runs (N ≥ 100) through the distributed stack while
 * orchestration replicas and agent workers are SIGKILLed and restarted at random; then every run
 * must have reached a terminal state or be awaiting approval, its transitions contiguous with no
 * duplicate, and the usage events must match the agent calls one for one. Two billing replicas are
 * killed too: at the end billing's ledger must hold each call's usage once and every balance must
 * equal the sum of its entries (`ledgerEvents`, `balanceMismatches` in the last line).
 *
 * Meanwhile Redis (append-only file on), NATS (JetStream file store) and the embedded Postgres
 * server are restarted in turn, crashed or stopped cleanly, while runs are in flight.
 *
 * Knobs (environment): CHAOS_RUNS (100), CHAOS_MAX_KILLS (40), CHAOS_MAX_MINUTES (20),
 * CHAOS_SERVER_RESTARTS (restarts of each of Redis, NATS and Postgres, 2),
 * CHAOS_LATENCY_MS (simulated agent latency, 500),
 * CHAOS_REPLICAS (orchestration replicas and agent workers, 3 each), CHAOS_SEED (random seed), STACK_KEEP_LOGS=1.
 * The last line of output is the JSON summary.
 */
import { checkBilling } from './billing-check';
import type { RunDetail, RunList, RunSummary } from '@postmagiq/contracts';
import { writeChecksFile, type Check, type RestartableServer } from '@postmagiq/platform/testing';
import { sleep, Stack, type ServiceProcess } from './stack';

const RUNS = Number(process.env['CHAOS_RUNS'] ?? 100);
const MAX_KILLS = Number(process.env['CHAOS_MAX_KILLS'] ?? 40);
const MAX_MS = Number(process.env['CHAOS_MAX_MINUTES'] ?? 20) * 60_000;
const LATENCY_MS = Number(process.env['CHAOS_LATENCY_MS'] ?? 500);
const REPLICAS = Number(process.env['CHAOS_REPLICAS'] ?? 3);
const SERVER_RESTARTS = Number(process.env['CHAOS_SERVER_RESTARTS'] ?? 2);
const TERMINAL = new Set(['completed', 'halted', 'failed', 'cancelled']);

/** A small deterministic PRNG (mulberry32), so a failing schedule can be replayed with CHAOS_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env['CHAOS_SEED'] ?? Date.now() % 1_000_000);
const rnd = random(seed);
const between = (min: number, max: number) => min + Math.floor(rnd() * (max - min));
const log = (line: string) =>
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Runs whose approval we give (the rest stay awaiting approval): every other one, in the order seen. */
const decisions = new Map<string, boolean>();
const approves = (runId: string): boolean => {
  let yes = decisions.get(runId);
  if (yes === undefined) {
    yes = decisions.size % 2 === 0;
    decisions.set(runId, yes);
  }
  return yes;
};

interface Verdict {
  runs: number;
  finished: number;
  awaitingApproval: number;
  kills: number;
  missingTransitions: number;
  duplicateTransitions: number;
  agentCalls: number;
  usageEvents: number;
  redisRestarts: number;
  natsRestarts: number;
  postgresRestarts: number;
  ledgerEvents: number;
  balanceMismatches: number;
}

/**
 * A server of the stack the infrastructure monkey restarts, and how: each restart uses the next
 * of `signals` (SIGKILL: a crash, recovered from what the server wrote to disk; SIGTERM: its own
 * clean shutdown).
 */
interface ServerTarget {
  name: 'redis' | 'nats' | 'postgres';
  server: RestartableServer;
  signals: NodeJS.Signals[];
  restarts: number;
}

async function main(): Promise<number> {
  if (RUNS < 100)
    log(
      `CHAOS_RUNS=${RUNS}: fewer than the 100 runs the chaos check is specified for (a smoke run)`,
    );
  const started = Date.now();
  const stack = await Stack.start(
    {
      orchestrationReplicas: REPLICAS,
      billingReplicas: 2,
      workers: REPLICAS,
      simulatedLatencyMs: LATENCY_MS,
      workerConcurrency: 32,
      restartableInfra: true,
      // short locks and sweeps, so work of a killed process is taken over within seconds
      orchestrationEnv: {
        ORCHESTRATION_STEP_LOCK_MS: '3000',
        ORCHESTRATION_SWEEP_INTERVAL_MS: '1000',
        ORCHESTRATION_SWEEP_GRACE_MS: '3000',
      },
      workerEnv: {
        AGENT_LOCK_DURATION_MS: '3000',
        AGENT_STALLED_INTERVAL_MS: '1000',
        AGENT_MAX_STALLED_COUNT: '50',
        AGENT_SHUTDOWN_TIMEOUT_MS: '5000',
      },
    },
    log,
  );
  let killing = true;
  const pendingRestarts = new Set<Promise<void>>();
  try {
    const account = await stack.demoAccount();
    const api = <T>(method: string, path: string, body?: unknown) =>
      stack.api<T>(account.token(), method, path, body);

    // ---- the chaos monkey: SIGKILL a random orchestration replica or worker, restart it shortly after
    const victims: ServiceProcess[] = [...stack.orchestration, ...stack.workers, ...stack.billing];
    const restarting = new Set<ServiceProcess>();
    const monkey = (async () => {
      let kills = 0;
      while (killing && kills < MAX_KILLS && Date.now() - started < MAX_MS) {
        await sleep(between(1000, 3000));
        if (!killing) break;
        // never the last live process of its kind: the runs must survive the kills, and the
        // driver needs a replica to talk to
        const live = (kind: string) =>
          victims.filter((p) => p.kind === kind && p.alive && !restarting.has(p)).length;
        const candidates = victims.filter((p) => p.alive && !restarting.has(p) && live(p.kind) > 1);
        const victim = candidates[between(0, candidates.length)];
        if (!victim) continue;
        restarting.add(victim);
        await victim.kill('SIGKILL');
        kills++;
        log(`SIGKILL ${victim.name} (${kills})`);
        const restart = (async () => {
          await sleep(between(300, 2500));
          try {
            await victim.start();
          } catch (e) {
            log(
              `restart of ${victim.name} failed, trying again: ${(e as Error).message.split('\n')[0]}`,
            );
            await victim.kill('SIGKILL');
            await victim.start();
          } finally {
            restarting.delete(victim);
          }
        })();
        pendingRestarts.add(restart);
        void restart.finally(() => pendingRestarts.delete(restart));
      }
    })();

    // ---- the infrastructure monkey: Redis, NATS and the Postgres server restarted in turn, one at
    // a time, every 3-6 s, each SERVER_RESTARTS times, while runs are in flight. Redis (AOF,
    // fsync every second) and NATS (fsync on every write) are crashed and stopped cleanly in
    // turn; PGlite is stopped cleanly only (it makes no promise about surviving a crash).
    const servers: ServerTarget[] = [
      { name: 'redis', server: stack.redis, signals: ['SIGKILL', 'SIGTERM'], restarts: 0 },
      { name: 'nats', server: stack.nats, signals: ['SIGKILL', 'SIGTERM'], restarts: 0 },
      { name: 'postgres', server: stack.postgres, signals: ['SIGTERM'], restarts: 0 },
    ];
    let firstRoundDone = SERVER_RESTARTS === 0;
    const serverMonkey = (async () => {
      for (let round = 0; round < SERVER_RESTARTS; round++, firstRoundDone = true) {
        for (const target of servers) {
          await sleep(between(3000, 6000));
          if (!killing || Date.now() - started > MAX_MS) return;
          const signal = target.signals[round % target.signals.length] ?? 'SIGTERM';
          const t0 = Date.now();
          await target.server.restart(signal);
          target.restarts++;
          log(`${target.name} restarted after ${signal} (${Date.now() - t0} ms down)`);
        }
      }
    })();

    // ---- N concurrent runs, started in waves of 10 every 2 s while the monkeys are already at
    // work, so that runs are in every phase while processes die; waves go on (up to 3 N runs)
    // until every server was restarted once, so that no restart finds every run settled
    log(`starting ${RUNS} runs of linkedin_post (seed ${seed})`);
    const startFailures: string[] = [];
    for (let i = 0; (i < RUNS || !firstRoundDone) && i < 3 * RUNS; i += 10) {
      if (i > 0) await sleep(2000);
      await Promise.all(
        Array.from({ length: Math.min(10, (i < RUNS ? RUNS : 3 * RUNS) - i) }, async () => {
          const res = await api<RunSummary>('POST', '/api/workflows/runs', {
            workflow: 'linkedin_post',
            storyEntryId: account.storyEntryId,
          });
          if (res.status !== 201)
            startFailures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }),
      );
    }
    if (startFailures.length > 0)
      log(`${startFailures.length} starts refused: ${startFailures[0]}`);

    // ---- drive approvals and wait until every run settles (or the time is up)
    const settle = async (deadline: number, stallMs = Infinity): Promise<RunSummary[]> => {
      let lastOpen = -1;
      let since = Date.now();
      for (;;) {
        const runs = await listRuns(api);
        for (const run of runs) {
          if (run.awaitingApproval && approves(run.id)) {
            await api('POST', `/api/workflows/runs/${run.id}/approve`).catch(() => undefined);
          }
        }
        const open = runs.filter(
          (r) => !TERMINAL.has(r.status) && !(r.awaitingApproval && !approves(r.id)),
        );
        if (open.length !== lastOpen) {
          lastOpen = open.length;
          since = Date.now();
        }
        const stalled = Date.now() - since > stallMs;
        if (open.length === 0 || Date.now() > deadline || stalled) {
          if (stalled) log(`no run settled for ${Math.round(stallMs / 1000)} s: giving up waiting`);
          if (open.length > 0)
            log(
              `${open.length} runs still open: ${open
                .slice(0, 5)
                .map((r) => `${r.id} ${r.status}@${r.currentState}`)
                .join(', ')}`,
            );
          return runs;
        }
        log(`${runs.length - open.length}/${runs.length} runs settled`);
        await sleep(2000);
      }
    };
    await settle(started + MAX_MS);
    killing = false;
    await Promise.all([monkey, serverMonkey]);
    await Promise.allSettled([...pendingRestarts]);
    for (const p of victims) if (!p.alive) await p.start();
    log('chaos over; every process is up again: waiting for the runs to settle');
    const runs = await settle(Date.now() + 5 * 60_000, 90_000);

    const restartsOf = (name: ServerTarget['name']) =>
      servers.find((t) => t.name === name)?.restarts ?? 0;

    // ---- verification from the API and the USAGE stream
    let missing = 0;
    let duplicate = 0;
    let unfinishedCalls = 0;
    const callIds: string[] = [];
    const problems: string[] = [];
    for (const summary of runs) {
      const { body: run } = await api<RunDetail>('GET', `/api/workflows/runs/${summary.id}`);
      const seqs = run.visits.map((v) => v.seq).sort((a, b) => a - b);
      const last = seqs.at(-1) ?? -1;
      const distinct = new Set(seqs);
      const gaps = last + 1 - distinct.size;
      const repeatedSeq = seqs.length - distinct.size;
      const visitKeys = run.visits.map((v) => `${v.state}#${v.visit}`);
      const repeatedVisit = visitKeys.length - new Set(visitKeys).size;
      missing += gaps;
      duplicate += repeatedSeq + repeatedVisit;
      if (gaps + repeatedSeq + repeatedVisit > 0)
        problems.push(`${run.id}: seqs ${seqs.join(',')}`);
      for (const call of run.agentCalls) {
        callIds.push(call.callId);
        if (call.status === 'queued' && TERMINAL.has(run.status)) unfinishedCalls++;
      }
      if (run.status === 'failed' || !(TERMINAL.has(run.status) || run.awaitingApproval)) {
        const queued = run.agentCalls.filter((c) => c.status === 'queued');
        const jobs = await Promise.all(
          queued.map(async (c) => `${c.callId}=${await stack.agentJobState(c.backend, c.callId)}`),
        );
        problems.push(
          `${run.id}: ${run.status}@${run.currentState}${run.reason ? ` (${run.reason})` : ''}; queued calls: ${jobs.join(', ') || 'none'}`,
        );
      }
    }
    const usage = await stack.usageEvents();
    const usageIds = usage.map((u) => u.callId);
    const calls = new Set(callIds);
    const withoutUsage = [...calls].filter((id) => !usageIds.includes(id));
    const usageWithoutCall = usageIds.filter((id) => !calls.has(id));
    const usageDuplicates = usageIds.length - new Set(usageIds).size;
    const billing = await checkBilling(stack.nc, stack.postgresUrl, [...calls]);

    const verdict: Verdict = {
      runs: runs.length,
      finished: runs.filter((r) => TERMINAL.has(r.status)).length,
      awaitingApproval: runs.filter(
        (r) => r.status === 'awaiting_approval' || (r.awaitingApproval && !TERMINAL.has(r.status)),
      ).length,
      kills: victims.reduce((n, p) => n + p.kills, 0),
      missingTransitions: missing,
      duplicateTransitions: duplicate,
      agentCalls: callIds.length,
      usageEvents: usageIds.length,
      redisRestarts: restartsOf('redis'),
      natsRestarts: restartsOf('nats'),
      postgresRestarts: restartsOf('postgres'),
      ledgerEvents: billing.ledgerEvents,
      balanceMismatches: billing.balanceMismatches,
    };
    const byStatus = new Map<string, number>();
    for (const r of runs) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);

    const rows: [string, string][] = [
      ['runs started (requested)', `${verdict.runs} (${RUNS})`],
      ['by status', [...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')],
      ['SIGKILLs', victims.map((p) => `${p.name} ${p.kills}`).join(', ')],
      ['server restarts', servers.map((t) => `${t.name} ${t.restarts}`).join(', ')],
      ['transitions missing / duplicated', `${missing} / ${duplicate}`],
      ['agent calls / usage events', `${verdict.agentCalls} / ${verdict.usageEvents}`],
      [
        'calls without usage / usage without call / duplicate usage',
        `${withoutUsage.length} / ${usageWithoutCall.length} / ${usageDuplicates}`,
      ],
      [
        'billing: usage in the ledger / calls not in it / balance mismatches',
        `${billing.ledgerEvents} / ${billing.callsNotInLedger} / ${billing.balanceMismatches}`,
      ],
      ['calls still queued in finished runs', String(unfinishedCalls)],
      ['wall time', `${Math.round((Date.now() - started) / 1000)} s`],
      ['simulated latency, seed', `${LATENCY_MS} ms, ${seed}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(
      `\nnpm run chaos — linkedin_post through ${REPLICAS} orchestration replicas and ${REPLICAS} simulated agent workers, SIGKILLed at random, while Redis, NATS and Postgres restart\n`,
    );
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
    console.log(JSON.stringify(verdict));

    const checks: Check[] = [
      {
        name: 'every run is terminal or awaiting approval',
        ok: verdict.finished + verdict.awaitingApproval === verdict.runs,
      },
      {
        name: 'every requested run started',
        ok: verdict.runs >= RUNS && startFailures.length === 0,
      },
      { name: 'no transition missing', ok: missing === 0 },
      { name: 'no transition duplicated', ok: duplicate === 0 },
      { name: 'no agent call without a usage event', ok: withoutUsage.length === 0 },
      { name: 'no usage event without an agent call', ok: usageWithoutCall.length === 0 },
      { name: 'no duplicate usage event', ok: usageDuplicates === 0 },
      { name: 'every agent call is in the billing ledger', ok: billing.callsNotInLedger === 0 },
      { name: 'ledger usage events = agent calls', ok: billing.ledgerEvents === calls.size },
      { name: 'every balance equals the sum of its entries', ok: billing.balanceMismatches === 0 },
      // a run over before the first restart proves nothing about restarts
      ...servers.map((t) => ({
        name: `${t.name} restarted while runs were in flight`,
        ok: t.restarts >= Math.min(1, SERVER_RESTARTS),
      })),
    ];
    writeChecksFile('chaos', checks);
    for (const c of checks.filter((c) => !c.ok)) log(`FAILED: ${c.name}`);
    const ok = checks.every((c) => c.ok);
    return ok ? 0 : 1;
  } finally {
    killing = false;
    await Promise.allSettled([...pendingRestarts]);
    if (process.env['STACK_KEEP_LOGS']) log(`logs kept in ${stack.logDir}`);
    await stack.stop();
  }
}

async function listRuns(
  api: <T>(method: string, path: string) => Promise<{ status: number; body: T }>,
): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (let offset = 0; ; offset += 200) {
    const { status, body } = await api<RunList>(
      'GET',
      `/api/workflows/runs?limit=200&offset=${offset}`,
    );
    if (status !== 200)
      throw new Error(`list runs: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    out.push(...body.items);
    if (out.length >= body.total || body.items.length === 0) return out;
  }
}

main()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
