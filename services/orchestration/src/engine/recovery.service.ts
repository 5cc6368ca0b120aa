import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestContext } from '@postmagiq/platform';
import { HARD_LIMITS } from '@postmagiq/workflow-engine';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_CONFIG, OrchestrationConfig } from '../config/orchestration.config';
import { ORCHESTRATION_DB } from '../entities';
import { AgentDispatcher } from './agent-dispatcher.service';
import { stepJobId } from './queue-names';
import { RunEngine } from './run-engine.service';
import { finishedChildren, StepProcessor } from './step.processor';

/**
 * Finishes what a crash left between two steps, and what no step would ever see, at boot and then
 * every ORCHESTRATION_SWEEP_INTERVAL_MS on every replica (everything it does is idempotent, and
 * every change goes through a step holding the run's row lock, so replicas sweeping at once agree):
 *  1. a running run past its hard runtime limit is halted (a hung call or a queue nobody consumes
 *     never reaches the transition where the breaker would check it), its unstarted calls withdrawn;
 *  2. a visit not yet known to be dispatched (`dispatched_seq < seq`: steps record it lazily, see
 *     RunStep.noteDispatched) is dispatched unless its step job exists, then marked;
 *  3. an `any_complete`/quorum visit still waiting for calls records the ones its step job says are
 *     back, and decides if it can (their completion events, the fast path, are not durable: a
 *     completion while every replica was down would otherwise wait for the slowest call);
 *  4. a visit whose calls are all recorded but which nobody decided is settled;
 *  5. a visit whose step job is gone or failed for good gets it back (re-added or retried).
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
    await this.haltOverdue();
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

    await this.settleEarlyCalls(grace);

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

  /**
   * Running runs whose runtime (wall time less `paused_ms`) is past the hard ceiling; the step
   * checks each with the breaker's own `checkBreaker` under the row lock. Every workflow's hard
   * runtime limit is the ceiling (definitions override soft limits only).
   */
  private async haltOverdue(): Promise<void> {
    const overdue: Array<{ id: string }> = await this.ds.query(
      `SELECT "id" FROM "orchestration"."runs"
        WHERE "status" = 'running'
          AND "started_at" + "paused_ms" * interval '1 millisecond' < now() - ($1 || ' minutes')::interval
        ORDER BY "started_at" LIMIT 500`,
      [String(HARD_LIMITS.runtimeMinutes)],
    );
    for (const run of overdue) {
      if (this.stopped) return;
      if (await this.engine.haltIfOverdue(run.id))
        this.logger.warn(`run ${run.id}: past its hard runtime limit while running; halted`);
    }
  }

  /** Early-deciding visits with calls still queued in the database: what their step job holds. */
  private async settleEarlyCalls(grace: number): Promise<void> {
    const visits: Array<{ id: string; seq: number; queued: string[] }> = await this.ds.query(
      `SELECT r."id", r."seq", array_agg(c."call_id") AS "queued"
         FROM "orchestration"."runs" r
         JOIN "orchestration"."agent_calls" c ON c."run_id" = r."id" AND c."seq" = r."seq"
        WHERE r."status" = 'running' AND r."pending_result" IS NULL
          AND c."early" AND c."status" = 'queued'
          AND r."updated_at" < now() - ($1 || ' milliseconds')::interval
        GROUP BY r."id", r."seq" LIMIT 500`,
      [String(grace)],
    );
    for (const visit of visits) {
      if (this.stopped) return;
      // once every call is back the step job itself is processable and settles the visit
      const job = await this.dispatcher.steps.getJob(stepJobId(visit.id, visit.seq));
      if (!job || (await job.getState()) !== 'waiting-children') continue;
      const { values, failures } = await finishedChildren(job);
      if (!visit.queued.some((id) => id in values || id in failures)) continue;
      this.logger.warn(
        `run ${visit.id}: calls of seq ${visit.seq} came back unnoticed; recording them`,
      );
      await this.engine.onCallsFinished(visit.id, visit.seq, values, failures);
    }
  }
}
