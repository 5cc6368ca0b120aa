import { Logger } from '@nestjs/common';
import {
  AGENT_USAGE_SUBJECT,
  AgentJobResultSchema,
  AgentJobSchema,
  agentTokensSubject,
  type AgentBackend,
  type AgentJob,
  type AgentJobResult,
  type AgentTokenChunk,
  type AgentUsageEvent,
} from '@postmagiq/contracts';
import { createAgentInvoker, type BackendAdapter, type SessionStore } from '@postmagiq/agents';
import { composePrompt, withPersonaOverrides, type PromptLibrary } from '@postmagiq/prompts';
import { RequestContext } from '@postmagiq/platform';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { AgentWorkerMetrics } from '../metrics/agent-worker.metrics';
import type { CallResultStore, StoredCall } from '../results/call-result.store';

/** Where streamed tokens and usage events go (NATS core and JetStream in production). */
export interface AgentWorkerSinks {
  publishToken(subject: string, chunk: AgentTokenChunk): void;
  /** Publishes with `msgID = callId`; JetStream drops a duplicate within its window. */
  publishUsage(subject: string, event: AgentUsageEvent, msgId: string): Promise<void>;
}

export interface AgentJobProcessorDeps {
  backend: AgentBackend;
  adapter: BackendAdapter;
  library: PromptLibrary;
  sessions: SessionStore;
  results: CallResultStore;
  sinks: AgentWorkerSinks;
  metrics: AgentWorkerMetrics;
  /** Aborted when shutdown stops waiting for in-flight calls: they are handed back to the queue. */
  shutdown: AbortSignal;
}

/** What `job.data` may carry besides the payload: the platform's request context (`withJobContext`). */
interface JobEnvelope {
  _ctx?: { requestId?: string; workspaceId?: string; runId?: string };
}

/**
 * One agent job, start to finish: validate the payload, return the stored result of a call that
 * already finished (a redelivery), else compose the prompt, call the backend with tokens streamed
 * to the run's NATS subject, store the result, then publish the one usage event of the call.
 *
 * Errors: a payload that does not fit is an `UnrecoverableError` (failed, never retried); a
 * vendor failure is not an error (it is in the result and metered); Redis or NATS failing throws,
 * so BullMQ retries the job with its backoff. At shutdown an unfinished call is moved back to
 * the queue (`WaitingError`) for another worker.
 */
export class AgentJobProcessor {
  private readonly logger = new Logger('AgentWorker');

  constructor(private readonly deps: AgentJobProcessorDeps) {}

  /** BullMQ's processor signature; the third parameter makes BullMQ pass its cancel signal. */
  readonly process = (job: Job, token?: string, signal?: AbortSignal): Promise<AgentJobResult> =>
    this.handle(job, token, signal);

  private async handle(
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AgentJobResult> {
    const { backend, metrics } = this.deps;
    metrics.started(backend);
    let outcome: 'completed' | 'replayed' | 'invalid' | 'error' | 'handed_back' = 'error';
    try {
      const payload = this.parse(job);
      const ctx = (job.data as JobEnvelope | undefined)?._ctx;
      return await RequestContext.run(
        {
          requestId: payload.requestId ?? ctx?.requestId ?? randomUUID(),
          workspaceId: payload.workspaceId,
          runId: payload.task.runId,
        },
        async () => {
          const done = await this.run(job, payload, token, signal);
          outcome = done.outcome;
          return done.result;
        },
      );
    } catch (e) {
      if (e instanceof UnrecoverableError) outcome = 'invalid';
      else if (e instanceof WaitingError) outcome = 'handed_back';
      throw e;
    } finally {
      metrics.ended(backend, outcome);
    }
  }

  private parse(job: Job): AgentJob {
    const { _ctx: _ignored, ...data } = (job.data ?? {}) as JobEnvelope & Record<string, unknown>;
    const parsed = AgentJobSchema.safeParse(data);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
        .join('; ');
      this.logger.error(
        `job ${job.id} on ${job.queueName}: invalid payload, failed without retry (${problems})`,
      );
      throw new UnrecoverableError(`invalid agent job payload: ${problems}`);
    }
    const wanted = parsed.data.task.agent.backend;
    // The simulated pool stands in for any backend (the result then says `simulated`); a vendor
    // pool runs only its own vendor's calls.
    if (wanted !== this.deps.backend && this.deps.backend !== 'simulated') {
      throw new UnrecoverableError(
        `agent ${parsed.data.task.agent.name} wants backend ${wanted}, but this job is on ${job.queueName} (the ${this.deps.backend} pool)`,
      );
    }
    return parsed.data;
  }

  private async run(
    job: Job,
    payload: AgentJob,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ result: AgentJobResult; outcome: 'completed' | 'replayed' }> {
    const { results } = this.deps;
    const { callId } = payload;
    let stored = await results.get(callId);
    let outcome: 'completed' | 'replayed' = 'replayed';
    if (stored) {
      this.logger.log(
        `call ${callId}: already finished, returning the stored result (delivery ${job.attemptsStarted})`,
      );
    } else {
      const result = await this.call(job, payload, token, signal);
      stored = await results.putIfAbsent(result, new Date().toISOString());
      outcome = stored.result === result ? 'completed' : 'replayed';
    }
    if (!stored.usagePublished) {
      await this.deps.sinks.publishUsage(AGENT_USAGE_SUBJECT, usageEvent(payload, stored), callId);
      // Not awaited: the mark only spares a replay more than JetStream's duplicate window later a
      // re-publish; a lost mark costs nothing else (the re-publish is still one event per msgID
      // within the window).
      void results
        .markUsagePublished(callId)
        .catch((e: Error) =>
          this.logger.warn(`call ${callId}: usage mark not stored: ${e.message}`),
        );
    }
    return { result: stored.result, outcome };
  }

  private async call(
    job: Job,
    payload: AgentJob,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AgentJobResult> {
    const { task, callId } = payload;
    let library = this.deps.library;
    if (Object.keys(payload.personaOverrides).length > 0) {
      try {
        library = withPersonaOverrides(library, payload.personaOverrides);
      } catch (e) {
        throw new UnrecoverableError(
          `invalid agent job payload: personaOverrides: ${(e as Error).message}`,
        );
      }
    }
    let promptHash = 'none: the prompt could not be composed';
    try {
      promptHash = composePrompt(library, task).hash;
    } catch {
      // the invoker reports the composition error in the result
    }
    const invoke = createAgentInvoker({
      adapters: { [this.deps.adapter.backend]: this.deps.adapter },
      library,
      sessions: this.deps.sessions,
      fallback: this.deps.backend === 'simulated' ? 'simulated' : 'none',
    });
    const tokens = new TokenBatcher((index, text) =>
      this.deps.sinks.publishToken(agentTokensSubject(task.runId), {
        callId,
        runId: task.runId,
        state: task.state,
        agent: task.agent.name,
        index,
        text,
      }),
    );
    const onToken = (text: string) => tokens.add(text);
    const abort = AbortSignal.any([this.deps.shutdown, ...(signal ? [signal] : [])]);
    const started = performance.now();
    const result = await invoke(task, onToken, abort).finally(() => tokens.flush());
    if (abort.aborted) {
      // Shutting down (or BullMQ cancelled the job): nothing is stored or metered, and the job goes
      // back to the queue without counting as a failed attempt.
      this.logger.warn(`call ${callId}: interrupted by shutdown, handed back to ${job.queueName}`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const jobResult = AgentJobResultSchema.parse({ ...result, callId, promptHash });
    this.deps.metrics.called(this.deps.backend, jobResult, (performance.now() - started) / 1000);
    if (result.error) this.logger.warn(`call ${callId}: ${result.backend} failed: ${result.error}`);
    return jobResult;
  }
}

/**
 * Tokens that arrive in the same turn of the event loop go out as one chunk (a vendor's SSE frames
 * read together, or the simulated backend's whole answer): the text and its order are the same,
 * with far fewer messages. `flush` sends what is pending at once (before the job completes).
 */
class TokenBatcher {
  private pending = '';
  private index = 0;
  private scheduled?: NodeJS.Immediate;

  constructor(private readonly send: (index: number, text: string) => void) {}

  add(text: string): void {
    this.pending += text;
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.send(this.index++, text);
  }
}

function usageEvent(payload: AgentJob, stored: StoredCall): AgentUsageEvent {
  const r = stored.result;
  return {
    callId: payload.callId,
    runId: payload.task.runId,
    workspaceId: payload.workspaceId,
    state: payload.task.state,
    agent: payload.task.agent.name,
    backend: r.backend,
    model: r.model,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    cachedTokensIn: r.cachedTokensIn,
    costUsd: r.costUsd,
    durationMs: r.durationMs,
    simulated: r.simulated,
    failed: r.error !== null,
    at: stored.finishedAt,
  };
}
