import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestContext } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_CONFIG, OrchestrationConfig } from '../config/orchestration.config';
import { ORCHESTRATION_DB } from '../entities';
import { AgentDispatcher } from './agent-dispatcher.service';
import { stepJobId } from './queue-names';
import { RunEngine } from './run-engine.service';
import { StepProcessor } from './step.processor';

/**
 * Finishes what a crash left between two steps, at boot and then every ORCHESTRATION_SWEEP_INTERVAL_MS
 * on every replica (everything it does is idempotent):
 *  1. a visit not yet known to be dispatched (`dispatched_seq < seq`: steps record it lazily, see
 *     RunStep.noteDispatched) is dispatched unless its step job exists, then marked;
 *  2. a visit whose calls are all recorded but which nobody decided is settled;
 *  3. a visit whose step job is gone or failed for good gets it back (re-added or retried).
 */
@Injectable()
export class RecoveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Recovery');
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
    private readonly dispatcher: AgentDispatcher,
    private readonly engine: RunEngine,
    private readonly steps: StepProcessor,
    @Inject(ORCHESTRATION_CONFIG) private readonly config: OrchestrationConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.ORCHESTRATION_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; concurrent calls share it. */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= RequestContext.run({ requestId: randomUUID() }, () => this.pass())
      .catch((e: Error) => this.logger.warn(`sweep failed, next one retries: ${e.message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const grace = this.config.ORCHESTRATION_SWEEP_GRACE_MS;
    const undispatched: Array<{ id: string; seq: number }> = await this.ds.query(
      `SELECT "id", "seq" FROM "orchestration"."runs"
        WHERE "status" = 'running' AND "dispatched_seq" < "seq" AND "updated_at" < now() - ($1 || ' milliseconds')::interval
        ORDER BY "updated_at" LIMIT 500`,
      [String(grace)],
    );
    for (const run of undispatched) {
      if (this.stopped) return;
      // a visit still waiting for its calls has its step job (steps record dispatch lazily)
      if (!(await this.dispatcher.steps.getJob(stepJobId(run.id, run.seq)))) {
        this.logger.warn(`run ${run.id}: seq ${run.seq} was never dispatched; dispatching now`);
        await this.dispatcher.dispatch(run.id, run.seq);
      }
      await this.dispatcher.markDispatched(run.id, run.seq);
    }

    const waiting: Array<{ id: string; seq: number; queued: number }> = await this.ds.query(
      `SELECT r."id", r."seq", count(c."call_id") FILTER (WHERE c."status" = 'queued')::int AS "queued"
         FROM "orchestration"."runs" r
         JOIN "orchestration"."agent_calls" c ON c."run_id" = r."id" AND c."seq" = r."seq"
        WHERE r."status" = 'running' AND r."dispatched_seq" >= r."seq" AND r."pending_result" IS NULL
          AND r."updated_at" < now() - ($1 || ' milliseconds')::interval
        GROUP BY r."id", r."seq" LIMIT 500`,
      [String(grace * 3)],
    );
    for (const run of waiting) {
      if (this.stopped) return;
      if (run.queued === 0) {
        this.logger.warn(
          `run ${run.id}: every call of seq ${run.seq} is back but the visit was not decided; settling`,
        );
        await this.engine.resettle(run.id, run.seq);
        continue;
      }
      const job = await this.dispatcher.steps.getJob(stepJobId(run.id, run.seq));
      if (!job) {
        this.logger.warn(
          `run ${run.id}: the step job of seq ${run.seq} is gone; dispatching again`,
        );
        await this.dispatcher.dispatch(run.id, run.seq);
      } else if ((await job.getState()) === 'failed') {
        this.logger.warn(
          `run ${run.id}: the step job of seq ${run.seq} failed for good; retrying it`,
        );
        await job.retry();
      } else if ((await job.getState()) === 'completed') {
        // processed, yet calls are unrecorded (its transaction was lost): process its results again
        await this.steps.process(job);
      }
    }
  }
}
