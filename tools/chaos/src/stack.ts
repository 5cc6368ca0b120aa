/*
 * The distributed stack on one machine, as separate processes, for the chaos run and the
 * orchestration benchmark: Redis, NATS (JetStream) and the embedded Postgres from the platform
 * test kit, then identity, content, orchestration replicas and agent-worker processes started from
 * their sources the way their Deployments run them. Everything listens on 127.0.0.1 and is stopped,
 * and its temp data removed, by `stop()`.
 */
import {
  AGENT_QUEUES,
  AGENT_USAGE_SUBJECT,
  type AgentBackend,
  USAGE_STREAM,
  type TokenPair,
} from '@postmagiq/contracts';
import {
  freePort,
  startEmbeddedPostgresProcess,
  startNats,
  startRedis,
  type NatsServer,
  type RestartableServer,
} from '@postmagiq/platform/testing';
import { redisConnectionOptions } from '@postmagiq/platform';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Queue } from 'bullmq';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import * as transport from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');

const connectNats = (
  transport as unknown as {
    connect(o: {
      servers: string;
      name?: string;
      maxReconnectAttempts?: number;
    }): Promise<NatsConnection>;
  }
).connect;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `condition` returns a truthy value, at most `timeoutMs`. */
export async function waitUntil<T>(
  condition: () => Promise<T> | T,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Peak resident set of a live process (VmHWM), in MB; 0 when it is gone. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return 0;
  }
}

/**
 * One service process, restartable on the same port: `node -r @swc-node/register <entry>`. Ready
 * when `/health/ready` answers 200. Its output goes to a log file in the stack's folder.
 */
export class ServiceProcess {
  child?: ChildProcess;
  starts = 0;
  kills = 0;
  /** Highest VmHWM seen over every incarnation (sampled before each kill and at stop). */
  peakRss = 0;
  private log?: WriteStream;
  private tail = '';

  constructor(
    readonly name: string,
    readonly kind: string,
    private readonly entry: string,
    private env: Record<string, string>,
    readonly port: number,
    private readonly logDir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Changes variables for the next start. */
  setEnv(patch: Record<string, string>): void {
    this.env = { ...this.env, ...patch };
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.tail;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    this.starts++;
    this.log ??= createWriteStream(join(this.logDir, `${this.name}.log`), { flags: 'a' });
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', resolve(REPO_ROOT, this.entry)],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env['PATH'] ?? '',
          SWC_NODE_PROJECT: resolve(REPO_ROOT, 'tsconfig.base.json'),
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(this.port),
          LOG_LEVEL: 'warn',
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const add = (d: Buffer) => {
      this.log?.write(d);
      this.tail = (this.tail + d.toString()).slice(-8000);
    };
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited while starting:\n${this.tail}`);
      try {
        const res = await fetch(`${this.url}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.tail}`);
      await sleep(200);
    }
  }

  /** Sends `signal` and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.peakRss = Math.max(this.peakRss, peakRssMb(child.pid));
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill(signal);
    if (signal === 'SIGKILL') this.kills++;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  samplePeakRss(): number {
    this.peakRss = Math.max(this.peakRss, peakRssMb(this.child?.pid));
    return this.peakRss;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    await new Promise<void>((ok) => (this.log ? this.log.end(ok) : ok()));
    this.log = undefined;
  }
}

export interface StackOptions {
  orchestrationReplicas: number;
  /** Billing replicas (0: none, and orchestration starts runs without asking billing). */
  billingReplicas?: number;
  workers: number;
  /** Delay of every simulated agent call. */
  simulatedLatencyMs: number;
  workerConcurrency: number;
  /** Extra environment for orchestration and worker processes (lock and sweep timings). */
  orchestrationEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /**
   * DATABASE_URL of the orchestration processes only (e.g. a real PostgreSQL server); unset, they
   * share the embedded Postgres with identity and content.
   */
  orchestrationDatabaseUrl?: string;
  /**
   * Redis with its append-only file (as `npm start` and the chart run it) and the embedded
   * Postgres on disk, so that either can be restarted without losing what it holds (the chaos
   * run); otherwise Redis keeps nothing on disk and Postgres is in memory (faster, for benchmarks).
   */
  restartableInfra?: boolean;
}

export interface DemoAccount {
  workspaceId: string;
  storyEntryId: string;
  token(): string;
}

export class Stack {
  readonly processes: ServiceProcess[] = [];
  identity!: ServiceProcess;
  orchestration: ServiceProcess[] = [];
  billing: ServiceProcess[] = [];
  workers: ServiceProcess[] = [];
  nc!: NatsConnection;
  redisUrl = '';
  natsUrl = '';
  content!: ServiceProcess;
  /** The embedded Postgres (identity, content, and orchestration unless told otherwise). */
  postgresUrl = '';
  redis!: RestartableServer;
  /** NATS as `npm start` runs it (JetStream file store, fsync on every write). */
  nats!: NatsServer;
  /** The embedded Postgres server process. */
  postgres!: RestartableServer;
  private infra: RestartableServer[] = [];

  /** The embedded Postgres process (for its peak memory). */
  get postgresPid(): number | undefined {
    return this.postgres?.pid;
  }
  private readonly dir = mkdtempSync(join(tmpdir(), 'pmq-stack-'));
  private tokens?: TokenPair;
  private refreshTimer?: NodeJS.Timeout;

  get logDir(): string {
    return this.dir;
  }

  static async start(
    options: StackOptions,
    say: (line: string) => void = () => undefined,
  ): Promise<Stack> {
    const stack = new Stack();
    // Ctrl-C or a supervisor's SIGTERM still takes every process of the stack down
    const interrupted = (signal: NodeJS.Signals) => {
      say(`${signal}: stopping the stack`);
      void stack.stop().finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    try {
      await stack.boot(options, say);
      return stack;
    } catch (e) {
      await stack.stop();
      throw e;
    }
  }

  private async boot(options: StackOptions, say: (line: string) => void): Promise<void> {
    say('starting Redis, NATS and the embedded Postgres');
    const durable = options.restartableInfra ?? false;
    const started = await Promise.allSettled([
      startRedis({ appendOnly: durable }),
      startNats(),
      startEmbeddedPostgresProcess(durable ? join(this.dir, 'pg') : undefined),
    ]);
    // whatever did start is stopped with the stack, even when another part failed
    for (const r of started) if (r.status === 'fulfilled') this.infra.push(r.value);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [redis, nats, pg] = started.map(
      (r) => (r as PromiseFulfilledResult<RestartableServer>).value,
    ) as [RestartableServer, NatsServer, RestartableServer];
    [this.redis, this.nats, this.postgres] = [redis, nats, pg];
    this.redisUrl = redis.url;
    this.natsUrl = nats.url;
    this.postgresUrl = pg.url;
    this.nc = await connectNats({
      servers: nats.url,
      name: 'stack-driver',
      maxReconnectAttempts: -1,
    });
    const common = {
      REDIS_URL: redis.url,
      NATS_URL: nats.url,
      DATABASE_URL: pg.url,
      DATA_DIR: join(this.dir, 'data'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      SWAGGER_ENABLED: 'false',
    };
    this.identity = await this.add('identity', 'identity', 'services/identity/src/main.ts', common);
    say('starting identity');
    await this.identity.start();
    const jwks = `${this.identity.url}/api/auth/.well-known/jwks.json`;

    this.content = await this.add('content', 'content', 'services/content/src/main.ts', {
      ...common,
      IDENTITY_JWKS_URL: jwks,
    });
    say('starting content');
    await this.content.start();

    const billingReplicas = options.billingReplicas ?? 0;
    for (let i = 0; i < billingReplicas; i++)
      this.billing.push(
        await this.add(`billing-${i + 1}`, 'billing', 'services/billing/src/main.ts', {
          ...common,
          IDENTITY_JWKS_URL: jwks,
        }),
      );
    if (billingReplicas > 0) say(`starting ${billingReplicas} billing replica(s)`);
    for (const p of this.billing) await p.start();

    const orchestrationEnv = {
      ...common,
      DATABASE_URL: options.orchestrationDatabaseUrl ?? pg.url,
      IDENTITY_JWKS_URL: jwks,
      BILLING_HOLDS: billingReplicas > 0 ? 'required' : 'off',
      ...options.orchestrationEnv,
    };
    for (let i = 0; i < options.orchestrationReplicas; i++) {
      this.orchestration.push(
        await this.add(
          `orchestration-${i + 1}`,
          'orchestration',
          'services/orchestration/src/main.ts',
          orchestrationEnv,
        ),
      );
    }
    const workerEnv = {
      REDIS_URL: redis.url,
      NATS_URL: nats.url,
      AGENT_BACKEND: 'simulated',
      SIMULATED_LATENCY_MS: String(options.simulatedLatencyMs),
      AGENT_CONCURRENCY: String(options.workerConcurrency),
      ...options.workerEnv,
    };
    for (let i = 0; i < options.workers; i++) {
      this.workers.push(
        await this.add(
          `agent-worker-${i + 1}`,
          'agent-worker',
          'services/agent-worker/src/main.ts',
          workerEnv,
        ),
      );
    }
    say(
      `starting ${this.orchestration.length} orchestration replica(s) and ${this.workers.length} simulated agent worker(s)`,
    );
    // one at a time: each runs its migrations / stream declarations on first start
    for (const p of [...this.orchestration, ...this.workers]) await p.start();
  }

  private async add(
    name: string,
    kind: string,
    entry: string,
    env: Record<string, string>,
  ): Promise<ServiceProcess> {
    const p = new ServiceProcess(name, kind, entry, env, await freePort(), this.dir);
    this.processes.push(p);
    return p;
  }

  /**
   * Moves orchestration to another database: every replica is stopped first (so no two replicas
   * work on different databases), then each is started again, one at a time, with `databaseUrl`
   * as its DATABASE_URL (the embedded Postgres when undefined); a fresh database gets its schema
   * from the first replica's migrations. Runs in flight stay behind in the old database.
   */
  async setOrchestrationDatabase(databaseUrl?: string): Promise<void> {
    await Promise.all(this.orchestration.map((p) => p.stop()));
    for (const p of this.orchestration) {
      p.setEnv({ DATABASE_URL: databaseUrl ?? this.postgresUrl });
      await p.start();
    }
  }

  /** A registered demo user (owner of its workspace) and one story entry to run workflows for. */
  async demoAccount(): Promise<DemoAccount> {
    const email = `chaos-${randomUUID().slice(0, 8)}@example.com`;
    const res = await fetch(`${this.identity.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Chaos Demo' }),
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
    this.tokens = (await res.json()) as TokenPair;
    // access tokens live 15 minutes: rotate well before
    this.refreshTimer = setInterval(() => void this.refresh(), 5 * 60_000);
    this.refreshTimer.unref();
    const claims = JSON.parse(
      Buffer.from(this.tokens.accessToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as { workspaceId: string };
    const token = () => this.tokens?.accessToken ?? '';
    const post = async (path: string, body: unknown): Promise<{ id: string }> => {
      const r = await fetch(`${this.content.url}/api${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (r.status !== 201) throw new Error(`content POST ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id: string };
    };
    const story = readFileSync(join(REPO_ROOT, 'examples/story.md'), 'utf8');
    const [first = '', ...rest] = story.split('\n');
    const strategy = await post('/strategies', {
      name: 'Engineering leadership',
      thesis: 'Less, but better',
    });
    const chapter = await post(`/strategies/${strategy.id}/chapters`, { theme: 'Focus' });
    const entry = await post(`/chapters/${chapter.id}/story-entries`, {
      title: first.replace(/^#\s*/, ''),
      topic: 'Cutting the backlog',
      storySource: rest.join('\n').trim(),
    });
    return { workspaceId: claims.workspaceId, storyEntryId: entry.id, token };
  }

  private async refresh(): Promise<void> {
    if (!this.tokens) return;
    const res = await fetch(`${this.identity.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: this.tokens.refreshToken }),
    }).catch(() => null);
    if (res?.status === 200) this.tokens = (await res.json()) as TokenPair;
  }

  /**
   * A request to orchestration's API on whichever replica answers (replicas may be down during
   * chaos); retried on connection errors and 5xx until `timeoutMs`.
   */
  async api<T>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 180_000,
  ): Promise<{ status: number; body: T }> {
    const deadline = Date.now() + timeoutMs;
    let attempt = 0;
    for (;;) {
      const live = this.orchestration.filter((p) => p.alive);
      const target = live[attempt++ % Math.max(1, live.length)] ?? this.orchestration[0];
      let failure = '';
      if (target) {
        try {
          const res = await fetch(`${target.url}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
            signal: AbortSignal.timeout(30_000),
          });
          const text = await res.text();
          if (res.status < 500)
            return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
          failure = `${res.status} ${text.slice(0, 300)}`;
        } catch (e) {
          failure = (e as Error).message;
        }
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: ${failure}`);
      await sleep(Math.min(1000, 100 * attempt));
    }
  }

  /** Where an agent call's job is in BullMQ (for diagnostics): its state and failure, if any. */
  async agentJobState(backend: AgentBackend, callId: string): Promise<string> {
    const queue = new Queue(AGENT_QUEUES[backend], {
      connection: { ...redisConnectionOptions(this.redisUrl), maxRetriesPerRequest: null },
      prefix: 'pmq',
    });
    try {
      const job = await queue.getJob(callId);
      if (!job) return 'no job';
      const state = await job.getState();
      return job.failedReason ? `${state}: ${job.failedReason}` : state;
    } finally {
      await queue.close();
    }
  }

  /** Where the parent (step) job of a state visit is, with its children's bookkeeping (diagnostics). */
  async stepJobState(runId: string, seq: number): Promise<string> {
    const queue = new Queue('orchestration.steps', {
      connection: { ...redisConnectionOptions(this.redisUrl), maxRetriesPerRequest: null },
      prefix: 'pmq',
    });
    try {
      const job = await queue.getJob(`${runId}.${seq}.step`);
      if (!job) return 'no step job';
      const [state, deps, values] = await Promise.all([
        job.getState(),
        job.getDependenciesCount(),
        job.getChildrenValues(),
      ]);
      return `step ${state} (deps ${JSON.stringify(deps)}, values for ${
        Object.keys(values)
          .map((k) => k.slice(k.lastIndexOf('.') + 1))
          .join('+') || 'none'
      }${job.failedReason ? `, failed: ${job.failedReason}` : ''})`;
    } finally {
      await queue.close();
    }
  }

  /** Every message of the USAGE stream (the worker's usage events), oldest first. */
  async usageEvents(): Promise<{ callId: string }[]> {
    const jsm = await jetstreamManager(this.nc);
    let total = 0;
    try {
      total = (await jsm.streams.info(USAGE_STREAM)).state.messages;
    } catch {
      return [];
    }
    const out: { callId: string }[] = [];
    if (total === 0) return out;
    const consumer = await jetstream(this.nc).consumers.get(USAGE_STREAM);
    let seen = 0;
    const messages = await consumer.fetch({ max_messages: total, expires: 10_000 });
    for await (const m of messages) {
      if (m.subject === AGENT_USAGE_SUBJECT) out.push(m.json<{ callId: string }>());
      if (++seen >= total) break;
    }
    await consumer.delete().catch(() => undefined);
    return out;
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    await Promise.all(this.processes.map((p) => p.stop().catch(() => undefined)));
    await this.nc?.drain().catch(() => undefined);
    await Promise.all(this.infra.map((m) => m.stop().catch(() => undefined)));
    if (!process.env['STACK_KEEP_LOGS']) rmSync(this.dir, { recursive: true, force: true });
  }
}
