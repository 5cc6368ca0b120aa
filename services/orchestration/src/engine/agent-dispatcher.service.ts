import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AGENT_QUEUES, AgentBackend, AgentJobSchema } from '@postmagiq/contracts';
import {
  bullConnection,
  jobOptions,
  PLATFORM_CONFIG,
  PlatformConfig,
  RedisService,
  withJobContext,
} from '@postmagiq/platform';
import { FlowJob, FlowProducer, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AgentCallEntity, ORCHESTRATION_DB, RunEntity } from '../entities';
import { STEPS_QUEUE, stepJobId } from './queue-names';

/** Retries of a parent (step) job: its processing is a database transaction, retried on infrastructure errors. */
const STEP_JOB_OPTIONS = jobOptions({
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
});

/**
 * Agent jobs: the worker retries transient vendor errors itself, so a job attempt fails only for
 * infrastructure (a crashed worker's stalled job, a session store outage). Finished jobs are kept a
 * day, so a re-dispatch of the same ids within that time is refused by BullMQ, never run twice.
 */
const AGENT_JOB_OPTIONS = jobOptions({
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  // a child that fails for good still lets the step decide (as a failed call), never blocks it
  ignoreDependencyOnFailure: true,
});

/**
 * Puts a state visit's agent calls on their backends' queues as one BullMQ flow: a parent job on
 * `orchestration.steps` with one child per call. The parent becomes processable when every child
 * has finished; `any_complete`/quorum states also react to each child's completion (see
 * AgentResultsListener). Ids are deterministic (`runId.seq.agent`, `runId.seq.step`), so adding
 * the same flow twice leaves one set of jobs.
 */
@Injectable()
export class AgentDispatcher implements OnApplicationShutdown {
  private readonly flows: FlowProducer;
  readonly steps: Queue;
  private readonly agentQueues = new Map<AgentBackend, Queue>();

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
    private readonly redis: RedisService,
  ) {
    this.flows = new FlowProducer(bullConnection(config.REDIS_URL));
    this.steps = new Queue(STEPS_QUEUE, bullConnection(config.REDIS_URL));
  }

  /**
   * Enqueues the calls of (run, seq). `known` are the rows the step just wrote (saves a read); the
   * sweep passes none and reads them.
   */
  async dispatch(runId: string, seq: number, known?: readonly AgentCallEntity[]): Promise<void> {
    const calls =
      known?.filter((c) => c.seq === seq) ??
      (await this.ds
        .getRepository(AgentCallEntity)
        .find({ where: { runId, seq }, order: { position: 'ASC' } }));
    if (calls.length === 0) return;
    const flow: FlowJob = {
      name: 'step',
      queueName: STEPS_QUEUE,
      // the request that led here continues in the step job (its id in the worker's logs)
      data: withJobContext({ runId, seq }),
      opts: { ...STEP_JOB_OPTIONS, jobId: stepJobId(runId, seq) },
      children: calls.map((call) => ({
        name: call.job.task.agent.persona,
        queueName: AGENT_QUEUES[call.queueBackend],
        // validated at the edge like every queue payload
        data: AgentJobSchema.parse(call.job),
        opts: { ...AGENT_JOB_OPTIONS, jobId: call.callId },
      })),
    };
    const early = calls.filter((c) => c.early);
    if (early.length > 0) {
      const marks = this.redis.client.multi();
      for (const c of early) marks.set(earlyKey(c.callId), '1', 'PX', 24 * 3600_000);
      await marks.exec();
    }
    await this.flows.add(flow);
  }

  /**
   * Records that (run, seq) is on its queues. Not part of `dispatch`: the step that settles the
   * visit records it in its own write (RunStep.noteDispatched); the recovery sweep calls this for
   * visits that outlast its grace period, after checking or re-adding their jobs.
   */
  async markDispatched(runId: string, seq: number): Promise<void> {
    await this.ds
      .createQueryBuilder()
      .update(RunEntity)
      .set({ dispatchedSeq: seq, updatedAt: () => '"updated_at"' })
      .where('id = :runId AND dispatched_seq < :seq', { runId, seq })
      .execute();
  }

  /**
   * Takes the calls of a cancelled visit that no worker has started off their queues: they would
   * spend tokens for a run nobody wants. A call a worker already holds runs on and is recorded
   * (its usage is real). Removing a flow's last waiting child releases the step job, which records
   * the withdrawn calls as failed. Returns the ids withdrawn.
   */
  async withdraw(calls: readonly AgentCallEntity[]): Promise<string[]> {
    const withdrawn: string[] = [];
    for (const call of calls) {
      const job = await this.agentQueue(call.queueBackend).getJob(call.callId);
      if (!job || !WITHDRAWABLE.has(await job.getState())) continue;
      // a worker may take it in between: then removal is refused (the job is locked) and it runs
      const removed = await job.remove().then(
        () => true,
        () => false,
      );
      if (removed) withdrawn.push(call.callId);
    }
    return withdrawn;
  }

  private agentQueue(backend: AgentBackend): Queue {
    let queue = this.agentQueues.get(backend);
    if (!queue) {
      queue = new Queue(AGENT_QUEUES[backend], bullConnection(this.config.REDIS_URL));
      this.agentQueues.set(backend, queue);
    }
    return queue;
  }

  /**
   * Whether a finished job is a call whose state decides before all its calls are back. A Redis
   * mark set at dispatch, so the listener of every agent queue skips the others without asking
   * the database.
   */
  async isEarly(callId: string): Promise<boolean> {
    return (await this.redis.client.exists(earlyKey(callId))) === 1;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      this.flows.close(),
      this.steps.close(),
      ...[...this.agentQueues.values()].map((q) => q.close()),
    ]);
  }
}

/** Job states in which no worker holds an agent job yet. */
const WITHDRAWABLE = new Set(['waiting', 'delayed', 'prioritized']);

/** The Redis mark of an early-deciding call (exported for the tests that play a missed event). */
export function earlyKey(callId: string): string {
  return `pmq:orchestration:early:${callId}`;
}
