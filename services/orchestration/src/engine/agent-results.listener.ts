import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import {
  bullConnection,
  PLATFORM_CONFIG,
  PlatformConfig,
  RequestContext,
} from '@postmagiq/platform';
import { Job, Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { ALL_AGENT_QUEUES } from './queue-names';
import { RunEngine } from './run-engine.service';

/**
 * The fast path for fan-outs that decide before every call is back (`any_complete`, quorum): the
 * completion events of the agent queues. Events are not durable (a replica that is down misses
 * them), so this is only ever a shortcut: the flow's parent job still settles the visit when its
 * last call finishes. Other calls are skipped on a Redis mark (see AgentDispatcher.isEarly).
 */
@Injectable()
export class AgentResultsListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AgentResultsListener');
  private readonly listeners: QueueEvents[] = [];
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly engine: RunEngine,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of ALL_AGENT_QUEUES) {
      const events = new QueueEvents(name, bullConnection(this.platform.REDIS_URL));
      events.on('completed', ({ jobId, returnvalue }) =>
        this.handle(jobId, { result: parseMaybe(returnvalue) }),
      );
      events.on(
        'failed',
        ({ jobId, failedReason }) => void this.onFailed(name, jobId, failedReason),
      );
      events.on('error', (err) => this.logger.warn(`${name} events: ${err.message}`));
      this.listeners.push(events);
    }
  }

  private async onFailed(queueName: string, jobId: string, reason: string): Promise<void> {
    // a failed attempt that will be retried is not the call's outcome
    let queue = this.queues.get(queueName);
    if (!queue) {
      queue = new Queue(queueName, bullConnection(this.platform.REDIS_URL));
      this.queues.set(queueName, queue);
    }
    const job = await Job.fromId(queue, jobId).catch(() => undefined);
    if (!job || (await job.getState()) !== 'failed') return;
    this.handle(jobId, { failure: reason });
  }

  private handle(jobId: string, outcome: { result: unknown } | { failure: string }): void {
    void RequestContext.run({ requestId: randomUUID() }, () =>
      this.engine.onCallFinished(jobId, outcome),
    ).catch((e: Error) =>
      this.logger.warn(
        `call ${jobId}: early settle failed (the step job will settle it): ${e.message}`,
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([
      ...this.listeners.map((l) => l.close()),
      ...[...this.queues.values()].map((q) => q.close()),
    ]);
  }
}

function parseMaybe(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
