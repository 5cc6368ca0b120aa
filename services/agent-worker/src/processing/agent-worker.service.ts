import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AGENT_QUEUES, AGENT_USAGE_SUBJECT, USAGE_STREAM } from '@postmagiq/contracts';
import type { BackendAdapter } from '@postmagiq/agents';
import {
  HealthRegistry,
  JetStreamService,
  NATS_CONNECTION,
  PLATFORM_CONFIG,
  PlatformConfig,
  bullConnection,
  RedisService,
} from '@postmagiq/platform';
import { loadPromptLibrary } from '@postmagiq/prompts';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  AGENT_ADAPTER,
  AGENT_WORKER_CONFIG,
  AgentWorkerConfig,
} from '../config/agent-worker.config';
import { AgentWorkerMetrics } from '../metrics/agent-worker.metrics';
import { CallResultStore } from '../results/call-result.store';
import { RedisSessionStore } from '../sessions/redis-session-store';
import { AgentJobProcessor } from './agent-job.processor';

/** Usage events stay de-duplicable by call id for an hour (a redelivery comes within minutes). */
const USAGE_DUPLICATE_WINDOW_MS = 60 * 60_000;

/**
 * The pool member: one BullMQ worker on `agents.<AGENT_BACKEND>` and nothing else, with the
 * configured concurrency and the pool-wide rate limit. Shutdown stops taking jobs, lets in-flight
 * calls finish within AGENT_SHUTDOWN_TIMEOUT_MS, then hands the rest back to the queue.
 */
@Injectable()
export class AgentWorkerService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('AgentWorker');
  private readonly shutdown = new AbortController();
  private worker?: Worker;
  private calls?: Redis;

  constructor(
    @Inject(AGENT_WORKER_CONFIG) private readonly config: AgentWorkerConfig,
    @Inject(AGENT_ADAPTER) private readonly adapter: BackendAdapter,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly jetstream: JetStreamService,
    private readonly redis: RedisService,
    private readonly metrics: AgentWorkerMetrics,
    private readonly health: HealthRegistry,
  ) {}

  get queueName(): string {
    return AGENT_QUEUES[this.config.AGENT_BACKEND];
  }

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    const library = loadPromptLibrary(config.PROMPTS_DIR);
    await this.jetstream.ensureStream({
      name: USAGE_STREAM,
      subjects: [AGENT_USAGE_SUBJECT],
      duplicateWindowMs: USAGE_DUPLICATE_WINDOW_MS,
    });
    // The pool's own connection for results and sessions, without the shared client's
    // auto-pipelining (which holds every command back to the next event-loop turn): a job's
    // stored-result lookup then leaves at once and overlaps validating the payload.
    const client = this.redis.client.duplicate({
      enableAutoPipelining: false,
      connectionName: `${this.platform.SERVICE_NAME}-${config.AGENT_BACKEND}-calls`,
    });
    client.on('error', (err) => this.logger.warn(`redis (calls): ${err.message}`));
    this.calls = client;
    const processor = new AgentJobProcessor({
      backend: config.AGENT_BACKEND,
      adapter: this.adapter,
      library,
      sessions: new RedisSessionStore(client, { ttlSeconds: config.AGENT_SESSION_TTL_SECONDS }),
      results: new CallResultStore(client, { ttlSeconds: config.AGENT_RESULT_TTL_SECONDS }),
      sinks: {
        publishToken: (subject, chunk) => this.nats.publish(subject, JSON.stringify(chunk)),
        publishUsage: async (subject, event, msgId) => {
          await this.jetstream.publish(subject, event, msgId);
        },
      },
      metrics: this.metrics,
      shutdown: this.shutdown.signal,
    });
    const worker = new Worker(this.queueName, processor.process, {
      ...bullConnection(this.platform.REDIS_URL),
      name: `${this.platform.SERVICE_NAME}-${config.AGENT_BACKEND}`,
      concurrency: config.AGENT_CONCURRENCY,
      ...(config.AGENT_RATE_MAX
        ? { limiter: { max: config.AGENT_RATE_MAX, duration: config.AGENT_RATE_DURATION_MS } }
        : {}),
      lockDuration: config.AGENT_LOCK_DURATION_MS,
      stalledInterval: config.AGENT_STALLED_INTERVAL_MS,
      maxStalledCount: config.AGENT_MAX_STALLED_COUNT,
      autorun: false,
    });
    worker.on('error', (err) => this.logger.error(`worker: ${err.message}`));
    worker.on('failed', (job, err) => {
      if (job && err.name !== 'WaitingError')
        this.logger.warn(`job ${job.id} failed (attempt ${job.attemptsMade}): ${err.message}`);
    });
    this.worker = worker;
    this.health.register(`agent-worker:${config.AGENT_BACKEND}`, async () => {
      if (worker.closing || !worker.isRunning()) throw new Error(`not consuming ${this.queueName}`);
    });
    void worker.run().catch((err: Error) => this.logger.error(`worker stopped: ${err.message}`));
    await worker.waitUntilReady();
    this.logger.log(
      `consuming ${this.queueName} (concurrency ${config.AGENT_CONCURRENCY}${config.AGENT_RATE_MAX ? `, at most ${config.AGENT_RATE_MAX} per ${config.AGENT_RATE_DURATION_MS} ms` : ''}, adapter ${this.adapter.backend}/${this.adapter.defaultModel})`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.calls?.quit().catch(() => this.calls?.disconnect());
  }

  /** Runs before NATS and Redis close, so in-flight calls can still publish and store. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const timeoutMs = this.config.AGENT_SHUTDOWN_TIMEOUT_MS;
    this.logger.log(
      `${signal ?? 'shutdown'}: no new jobs from ${this.queueName}; waiting up to ${timeoutMs} ms for in-flight calls`,
    );
    const closing = worker.close();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      closing.then(() => true),
      new Promise<false>((ok) => (timer = setTimeout(() => ok(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (finished) return;
    this.logger.warn(
      `in-flight calls did not finish within ${timeoutMs} ms: handing them back to ${this.queueName}`,
    );
    this.shutdown.abort();
    const handedBack = await Promise.race([
      closing.then(() => true),
      new Promise<false>((ok) => (timer = setTimeout(() => ok(false), 5000))),
    ]);
    clearTimeout(timer);
    // Still stuck: leave; their locks expire and BullMQ's stalled check gives them to another worker.
    if (!handedBack)
      this.logger.warn('some jobs are still active; the stalled-job check will hand them back');
  }
}
