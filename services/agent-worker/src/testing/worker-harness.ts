/*
 * Test kit of the agent-worker suites (and of tools that drive workers): real Redis and NATS from
 * the platform kit, a BullMQ producer playing orchestration's part, the usage stream and token
 * subjects read back, and worker processes spawned the way a deployment runs them.
 */
import {
  AGENT_QUEUES,
  AGENT_USAGE_SUBJECT,
  AgentTokenChunkSchema,
  AgentUsageEventSchema,
  agentCallId,
  agentTokensSubject,
  USAGE_STREAM,
  type AgentBackend,
  type AgentJob,
  type AgentTask,
  type AgentTokenChunk,
  type AgentUsageEvent,
} from '@postmagiq/contracts';
import { makeAgentTask } from '@postmagiq/agents/testing';
import { bullConnection } from '@postmagiq/platform';
import {
  connectTestNats,
  REPO_ROOT,
  startNats,
  startRedis,
  waitFor,
  type Managed,
} from '@postmagiq/platform/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { Queue, QueueEvents } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

/** A Redis URL pointing at one logical database (suites isolate their queues this way). */
export function redisDb(url: string, db: number): string {
  return `${url.replace(/\/\d*$/, '')}/${db}`;
}

export interface Harness {
  redisUrl: string;
  natsUrl: string;
  nc: NatsConnection;
  /** A producer on a backend's queue (what orchestration does), in Redis database `db`. */
  queue(backend: AgentBackend, db?: number): Queue;
  events(backend: AgentBackend, db?: number): Promise<QueueEvents>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const [redis, nats] = (await Promise.all([startRedis(), startNats()])) as [Managed, Managed];
  const nc = await connectTestNats(nats.url);
  const queues = new Map<string, Queue>();
  const events = new Map<string, QueueEvents>();
  return {
    redisUrl: redis.url,
    natsUrl: nats.url,
    nc,
    queue(backend, db = 0) {
      const key = `${backend}/${db}`;
      let q = queues.get(key);
      if (!q) {
        q = new Queue(AGENT_QUEUES[backend], bullConnection(redisDb(redis.url, db)));
        queues.set(key, q);
      }
      return q;
    },
    async events(backend, db = 0) {
      const key = `${backend}/${db}`;
      let e = events.get(key);
      if (!e) {
        e = new QueueEvents(AGENT_QUEUES[backend], bullConnection(redisDb(redis.url, db)));
        events.set(key, e);
        await e.waitUntilReady();
      }
      return e;
    },
    async stop() {
      await Promise.all([...events.values()].map((e) => e.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await nc.drain().catch(() => undefined);
      await Promise.all([redis.stop(), nats.stop()]);
    },
  };
}

let runCounter = 0;

/** A valid job for `agents.<backend>`: a writer call of a fresh run unless told otherwise. */
export function makeAgentJob(
  options: {
    backend?: AgentBackend;
    seq?: number;
    task?: Partial<AgentTask>;
    personaOverrides?: Record<string, string>;
  } = {},
): AgentJob {
  const backend = options.backend ?? 'simulated';
  const base = makeAgentTask();
  const runId = options.task?.runId ?? `${randomUUID()}`;
  const task: AgentTask = {
    ...base,
    runId,
    agent: { ...base.agent, name: `writer_${backend}`, backend },
    ...options.task,
  };
  runCounter++;
  return {
    callId: agentCallId(runId, options.seq ?? 1, task.agent.name),
    workspaceId: randomUUID(),
    task,
    personaOverrides: options.personaOverrides ?? {},
    requestId: `test-${runCounter}`,
  };
}

/** Every usage event in the USAGE stream, oldest first (empty before the stream exists). */
export async function readUsageEvents(nc: NatsConnection): Promise<AgentUsageEvent[]> {
  const jsm = await jetstreamManager(nc);
  let total: number;
  try {
    total = (await jsm.streams.info(USAGE_STREAM)).state.messages;
  } catch {
    return [];
  }
  if (total === 0) return [];
  const consumer = await jetstream(nc).consumers.get(USAGE_STREAM);
  const out: AgentUsageEvent[] = [];
  let seen = 0;
  const messages = await consumer.fetch({ max_messages: total, expires: 5000 });
  for await (const m of messages) {
    if (m.subject === AGENT_USAGE_SUBJECT) out.push(AgentUsageEventSchema.parse(m.json()));
    seen++;
    if (seen >= total) break;
  }
  await consumer.delete().catch(() => undefined);
  return out;
}

/** Waits until the stream holds at least one usage event for the call, and returns them all. */
export async function waitForUsage(
  nc: NatsConnection,
  callId: string,
  timeoutMs = 5000,
): Promise<AgentUsageEvent[]> {
  return waitFor(
    async () => {
      const events = await usageEventsFor(nc, callId);
      return events.length > 0 ? events : null;
    },
    timeoutMs,
    `the usage event of ${callId}`,
  );
}

export async function usageEventsFor(
  nc: NatsConnection,
  callId: string,
): Promise<AgentUsageEvent[]> {
  return (await readUsageEvents(nc)).filter((e) => e.callId === callId);
}

/** Collects the token chunks of a run from its core-NATS subject, as a live viewer would. */
export function collectTokens(
  nc: NatsConnection,
  runId: string,
): { chunks: AgentTokenChunk[]; stop(): void } {
  const chunks: AgentTokenChunk[] = [];
  const sub = nc.subscribe(agentTokensSubject(runId), {
    callback: (err, msg) => {
      if (!err) chunks.push(AgentTokenChunkSchema.parse(msg.json()));
    },
  });
  return { chunks, stop: () => sub.unsubscribe() };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the health/metrics port once the worker consumes its queue. */
  ready: Promise<number>;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts `services/agent-worker/src/main.ts` as a deployment runs it (SWC, no build step). */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', resolve(REPO_ROOT, 'services/agent-worker/src/main.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        SWC_NODE_PROJECT: resolve(REPO_ROOT, 'tsconfig.base.json'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const add = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.once('exit', (code, signal) => ok({ code, signal })),
  );
  const ready = new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker not ready after 60 s\n${out}`)), 60_000);
    const onData = () => {
      const line = out.split('\n').find((l) => l.includes('"agentWorker":"ready"'));
      if (line) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        ok((JSON.parse(line) as { port: number }).port);
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`worker exited (${code ?? signal}) before it was ready\n${out}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => out };
}
