import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import {
  bullConnection,
  MetricsService,
  parseJobData,
  PLATFORM_CONFIG,
  PlatformConfig,
  runInJobContext,
} from '@postmagiq/platform';
import { Job, Worker } from 'bullmq';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import { ORCHESTRATION_CONFIG, OrchestrationConfig } from '../config/orchestration.config';
import { jobIdOfKey, STEPS_QUEUE } from './queue-names';
import { RunEngine } from './run-engine.service';

/** prom-client counter of the step jobs a replica processed (how replicas share the work). */
export const STEP_JOBS_METRIC = 'orchestration_step_jobs_total';

export const StepJobDataSchema = z.strictObject({
  runId: z.string().uuid(),
  seq: z.number().int().nonnegative(),
});

/**
 * Consumes `orchestration.steps`: a parent job becomes processable when every agent call of its
 * state visit has finished, and its processing records the results and walks the run on (one
 * transaction). BullMQ delivers at least once and hands the job of a dead replica to another after
 * the lock expires; a repeated processing finds the calls recorded and the run moved on, and
 * changes nothing.
 */
@Injectable()
export class StepProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StepProcessor');
  private worker?: Worker;
  private readonly processed: Counter<string>;

  constructor(
    private readonly engine: RunEngine,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
    @Inject(ORCHESTRATION_CONFIG) private readonly config: OrchestrationConfig,
    metrics: MetricsService,
  ) {
    this.processed = metrics.counter(
      STEP_JOBS_METRIC,
      'Step jobs this replica processed (each settles a state visit)',
    );
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker(STEPS_QUEUE, (job) => this.process(job), {
      ...bullConnection(this.platform.REDIS_URL),
      concurrency: this.config.ORCHESTRATION_STEP_CONCURRENCY,
      lockDuration: this.config.ORCHESTRATION_STEP_LOCK_MS,
      stalledInterval: Math.max(1000, Math.floor(this.config.ORCHESTRATION_STEP_LOCK_MS / 2)),
      maxStalledCount: 10,
    });
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`step ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
    );
    this.worker.on('error', (err) => this.logger.warn(`steps worker: ${err.message}`));
  }

  async process(job: Job): Promise<void> {
    const { runId, seq } = parseJobData(job, StepJobDataSchema, 'step job', this.logger);
    const { values, failures } = await finishedChildren(job);
    await runInJobContext(job, () => this.engine.onStepSettled(runId, seq, values, failures), {
      runId,
    });
    this.processed.inc();
  }

  /** Before the database closes: finish the steps in hand, take no more. */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}

/**
 * What the finished agent calls of a step job returned (by call id) and why the ones that failed
 * for good failed. BullMQ keeps both on the parent job, so they are there for whoever reads them:
 * the step job once all are back, the recovery sweep for an early-deciding visit before that.
 */
export async function finishedChildren(
  job: Job,
): Promise<{ values: Record<string, unknown>; failures: Record<string, string> }> {
  const [rawValues, rawFailures] = await Promise.all([
    job.getChildrenValues(),
    job.getIgnoredChildrenFailures(),
  ]);
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawValues)) values[jobIdOfKey(key)] = value;
  const failures: Record<string, string> = {};
  for (const [key, reason] of Object.entries(rawFailures))
    failures[jobIdOfKey(key)] = String(reason);
  return { values, failures };
}
