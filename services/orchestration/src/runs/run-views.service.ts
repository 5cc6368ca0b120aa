import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  AgentCallView,
  ListRunsQuery,
  RunDetail,
  RunEventPage,
  RunList,
  RunSummary,
  StateVisit,
} from '@postmagiq/contracts';
import { Problems } from '@postmagiq/platform';
import { currentPost, resolveLimits } from '@postmagiq/workflow-engine';
import { Brackets, DataSource } from 'typeorm';
import {
  AgentCallEntity,
  ORCHESTRATION_DB,
  RunEntity,
  runtimeMs,
  TransitionEntity,
} from '../entities';
import { rebuiltCounters } from '../breaker/rebuilt-counters';
import { RunEventsBus } from '../events/run-events-bus.service';
import { RedisBreakerCounterStore } from '../breaker/redis-breaker-counter-store';

/** Read side of runs: list, detail (visits, calls, breaker, posts) and the event log. Always scoped by workspace. */
@Injectable()
export class RunViewsService {
  constructor(
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
    private readonly breaker: RedisBreakerCounterStore,
    private readonly bus: RunEventsBus,
  ) {}

  async list(workspaceId: string, q: ListRunsQuery): Promise<RunList> {
    const qb = this.ds
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where('r.workspace_id = :workspaceId', { workspaceId });
    if (q.status) qb.andWhere('r.status = :status', { status: q.status });
    if (q.workflow) qb.andWhere('r.workflow = :workflow', { workflow: q.workflow });
    if (q.storyEntryId)
      qb.andWhere('r.story_entry_id = :storyEntryId', { storyEntryId: q.storyEntryId });
    if (q.from) qb.andWhere('r.created_at >= :from', { from: new Date(q.from) });
    if (q.to)
      qb.andWhere(
        new Brackets((w) => w.where('r.created_at < :to', { to: new Date(q.to as string) })),
      );
    const [rows, total] = await qb
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .skip(q.offset)
      .take(q.limit)
      .getManyAndCount();
    return { items: rows.map(toSummary), total, limit: q.limit, offset: q.offset };
  }

  async get(workspaceId: string, runId: string): Promise<RunEntity> {
    const run = await this.ds
      .getRepository(RunEntity)
      .findOne({ where: { id: runId, workspaceId } });
    if (!run) throw Problems.notFound('run');
    return run;
  }

  async detail(workspaceId: string, runId: string): Promise<RunDetail> {
    const run = await this.get(workspaceId, runId);
    const [transitions, calls, live] = await Promise.all([
      this.ds.getRepository(TransitionEntity).find({ where: { runId }, order: { seq: 'ASC' } }),
      this.ds
        .getRepository(AgentCallEntity)
        .find({ where: { runId }, order: { seq: 'ASC', position: 'ASC' } }),
      this.breaker.counters(runId),
    ]);
    // Redis keeps a run's counters a week after its last breaker operation; an older run shows
    // them as the database knows them (what a step would restore them from)
    const counters = live ?? rebuiltCounters(run);
    const limits = resolveLimits(run.definition.limits);
    const candidate = currentPost(run.context);
    return {
      ...toSummary(run),
      visits: transitions.map(toVisit),
      agentCalls: calls.map(toCallView),
      breaker: {
        transitions: counters.transitions,
        visits: counters.visits,
        costUsd: counters.costUsd,
        // runtime as the breaker counts it: waiting for reviewers and standing still left out
        elapsedMinutes: runtimeMs(run, Date.now()) / 60_000,
        extended: counters.extended,
        limits: { soft: { ...limits.soft }, hard: { ...limits.hard } },
      },
      finalPost: run.finalPost,
      candidatePost: candidate,
      approval:
        run.status === 'awaiting_approval' && candidate !== null
          ? { state: run.currentState, post: candidate }
          : null,
      lastEventSeq: run.eventSeq,
    };
  }

  async events(
    workspaceId: string,
    runId: string,
    after: number,
    limit: number,
  ): Promise<RunEventPage> {
    const run = await this.get(workspaceId, runId);
    return { events: await this.bus.replay(runId, after, limit), lastSeq: run.eventSeq };
  }
}

export function toSummary(run: RunEntity): RunSummary {
  return {
    id: run.id,
    workspaceId: run.workspaceId,
    storyEntryId: run.storyEntryId,
    workflow: run.workflow,
    status: run.status,
    currentState: run.currentState,
    awaitingApproval: run.status === 'awaiting_approval',
    reason: run.reason,
    extendable: run.status === 'halted' && run.haltKind === 'soft_breaker',
    resumable: run.status === 'failed',
    usage: {
      tokensIn: run.tokensIn,
      tokensOut: run.tokensOut,
      cachedTokensIn: run.cachedTokensIn,
      costUsd: run.costUsd,
    },
    startedBy: run.startedBy,
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    finishedAt: run.finishedAt ? iso(run.finishedAt) : null,
  };
}

function toVisit(t: TransitionEntity): StateVisit {
  return {
    seq: t.seq,
    state: t.toState,
    stateType: t.stateType,
    visit: t.visit,
    from: t.fromState,
    condition: t.condition,
    at: iso(t.createdAt),
  };
}

function toCallView(c: AgentCallEntity): AgentCallView {
  return {
    callId: c.callId,
    seq: c.seq,
    state: c.state,
    visit: c.visit,
    agent: c.agent,
    persona: c.persona,
    requestedBackend: c.requestedBackend,
    backend: c.backend ?? c.queueBackend,
    model: c.model,
    status: c.status,
    tokensIn: c.tokensIn,
    tokensOut: c.tokensOut,
    cachedTokensIn: c.cachedTokensIn,
    costUsd: c.costUsd,
    durationMs: c.durationMs,
    simulated: c.simulated,
    output: c.output,
    error: c.error,
    promptHash: c.promptHash,
    queuedAt: iso(c.queuedAt),
    finishedAt: c.finishedAt ? iso(c.finishedAt) : null,
  };
}

function iso(d: Date | string): string {
  return (d instanceof Date ? d : new Date(d)).toISOString();
}
