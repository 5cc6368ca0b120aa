import { Logger } from '@nestjs/common';
import {
  AGENT_USAGE_SUBJECT,
  AgentJobSchema,
  agentTokensSubject,
  type AgentBackend,
  type AgentJob,
  type AgentJobResult,
  type AgentResult,
  type AgentTokenChunk,
  type AgentUsageEvent,
} from '@postmagiq/contracts';
import {
  createAgentInvoker,
  type AgentInvoker,
  type BackendAdapter,
  type ConversationTurn,
  type SessionStore,
} from '@postmagiq/agents';
import {
  composePrompt,
  withPersonaOverrides,
  type ComposedPrompt,
  type PromptLibrary,
} from '@postmagiq/prompts';
import { parseJobData, runInJobContext } from '@postmagiq/platform';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
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

/** What a job needs to call its agent, made while its stored result is being looked up. */
interface PreparedCall {
  invoke: AgentInvoker;
  /** The prompt, composed once while the stored result is looked up; the invoker sends it as is. */
  prompt?: ComposedPrompt;
  /** The conversation of an orchestrator-task call, read alongside the stored-result lookup. */
  session?: Promise<ConversationTurn[]>;
  /** An invalid persona override: thrown only if the call has to be made (no stored result). */
  invalid?: UnrecoverableError;
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
  /** The invoker of the pool's prompt library; a job with persona overrides gets its own. */
  private readonly invoke: AgentInvoker;
  private readonly signals: CallSignals;

  constructor(private readonly deps: AgentJobProcessorDeps) {
    this.invoke = this.invokerFor(deps.library);
    this.signals = new CallSignals(deps.shutdown);
  }

  /** BullMQ's processor signature; the third parameter makes BullMQ pass its cancel signal. */
  readonly process = (job: Job, token?: string, signal?: AbortSignal): Promise<AgentJobResult> =>
    this.handle(job, token, signal);

  private invokerFor(library: PromptLibrary): AgentInvoker {
    return createAgentInvoker({
      adapters: { [this.deps.adapter.backend]: this.deps.adapter },
      library,
      sessions: this.deps.sessions,
      fallback: this.deps.backend === 'simulated' ? 'simulated' : 'none',
    });
  }

  private async handle(
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AgentJobResult> {
    const { backend, metrics } = this.deps;
    metrics.started(backend);
    let outcome: 'completed' | 'replayed' | 'invalid' | 'error' | 'handed_back' = 'error';
    try {
      // Asked for before validation, so that the round trip overlaps validating the payload and
      // composing the prompt; only a read, and its answer is used once the payload is valid.
      const lookup = this.lookUpEarly(job);
      const payload = this.parse(job);
      return await runInJobContext(
        job,
        async () => {
          const stored =
            lookup?.callId === payload.callId
              ? lookup.stored
              : this.deps.results.get(payload.callId);
          const done = await this.run(job, payload, stored, token, signal);
          outcome = done.outcome;
          return done.result;
        },
        {
          // the request id the step wrote into the call wins over the envelope's
          ...(payload.requestId ? { requestId: payload.requestId } : {}),
          workspaceId: payload.workspaceId,
          runId: payload.task.runId,
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

  /** The stored result of the call the raw payload names, if it names one. */
  private lookUpEarly(
    job: Job,
  ): { callId: string; stored: Promise<StoredCall | null> } | undefined {
    const callId = (job.data as { callId?: unknown } | undefined)?.callId;
    if (typeof callId !== 'string' || callId === '') return undefined;
    const stored = this.deps.results.get(callId);
    // An invalid payload never awaits it: its failure must not go unhandled.
    stored.catch(() => undefined);
    return { callId, stored };
  }

  private parse(job: Job): AgentJob {
    const payload = parseJobData(job, AgentJobSchema, 'agent job', this.logger);
    const wanted = payload.task.agent.backend;
    // The simulated pool stands in for any backend (the result then says `simulated`); a vendor
    // pool runs only its own vendor's calls.
    if (wanted !== this.deps.backend && this.deps.backend !== 'simulated') {
      throw new UnrecoverableError(
        `agent ${payload.task.agent.name} wants backend ${wanted}, but this job is on ${job.queueName} (the ${this.deps.backend} pool)`,
      );
    }
    return payload;
  }

  private async run(
    job: Job,
    payload: AgentJob,
    lookup: Promise<StoredCall | null>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ result: AgentJobResult; outcome: 'completed' | 'replayed' }> {
    const { results } = this.deps;
    const { callId } = payload;
    // Composed while the lookup is on its way; wasted only on a redelivery of a finished call.
    const prepared = this.prepare(payload);
    let stored = await lookup;
    let outcome: 'completed' | 'replayed' = 'replayed';
    if (stored) {
      this.logger.log(
        `call ${callId}: already finished, returning the stored result (delivery ${job.attemptsStarted})`,
      );
    } else {
      if (prepared.invalid) throw prepared.invalid;
      const result = await this.call(job, payload, prepared, token, signal);
      stored = await results.putIfAbsent(result, new Date().toISOString());
      outcome = stored.result === result ? 'completed' : 'replayed';
    }
    if (!stored.usagePublished) {
      await this.deps.sinks.publishUsage(AGENT_USAGE_SUBJECT, usageEvent(payload, stored), callId);
      // Not awaited, and sent after BullMQ's completion: the mark only spares a replay more than
      // JetStream's duplicate window later a re-publish; a lost mark costs nothing else (the
      // re-publish is still one event per msgID within the window).
      setImmediate(() =>
        results
          .markUsagePublished(callId)
          .catch((e: Error) =>
            this.logger.warn(`call ${callId}: usage mark not stored: ${e.message}`),
          ),
      );
    }
    return { result: stored.result, outcome };
  }

  /**
   * The job's prompt library (persona overrides applied), invoker and composed prompt, and the
   * read of its session (only a read: wasted, not harmful, when the stored result answers).
   */
  private prepare(payload: AgentJob): PreparedCall {
    const prepared = this.compose(payload);
    const key = payload.task.sessionKey;
    if (key && !prepared.invalid) {
      prepared.session = this.deps.sessions.load(key);
      // awaited by the invoker when the call is made; must not go unhandled when it is not
      prepared.session.catch(() => undefined);
    }
    return prepared;
  }

  private compose(payload: AgentJob): PreparedCall {
    let library = this.deps.library;
    let invoke = this.invoke;
    if (Object.keys(payload.personaOverrides).length > 0) {
      try {
        library = withPersonaOverrides(library, payload.personaOverrides);
      } catch (e) {
        return {
          invoke,
          invalid: new UnrecoverableError(
            `invalid agent job payload: personaOverrides: ${(e as Error).message}`,
          ),
        };
      }
      invoke = this.invokerFor(library);
    }
    try {
      return { invoke, prompt: composePrompt(library, payload.task) };
    } catch {
      // the invoker composes it again and reports the composition error in the result
      return { invoke };
    }
  }

  private async call(
    job: Job,
    payload: AgentJob,
    prepared: PreparedCall,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AgentJobResult> {
    const { task, callId } = payload;
    const tokens = new TokenBatcher((index, text, attempt) =>
      this.deps.sinks.publishToken(agentTokensSubject(task.runId), {
        callId,
        runId: task.runId,
        state: task.state,
        agent: task.agent.name,
        index,
        text,
        // absent on the first attempt, so those chunks stay what every client already reads
        ...(attempt > 1 ? { attempt } : {}),
      }),
    );
    const onToken = (text: string, attempt: number) => {
      if (tokens.add(text, attempt)) {
        this.logger.warn(
          `call ${callId}: the stream broke mid-way and attempt ${attempt} starts the answer over (token chunks say attempt ${attempt})`,
        );
      }
    };
    const abort = this.signals.open(signal);
    const started = performance.now();
    // The hash of what the adapter sent, history turns and model included: the composed prompt's
    // own hash misses the history of a continued session.
    let promptHash: string | undefined;
    let result: AgentResult;
    try {
      result = await prepared.invoke(task, onToken, abort.signal, {
        prompt: prepared.prompt,
        session: prepared.session,
        onPromptHash: (hash) => (promptHash = hash),
      });
    } finally {
      tokens.flush();
      abort.close();
    }
    if (abort.signal.aborted) {
      // Shutting down (or BullMQ cancelled the job): nothing is stored or metered, and the job goes
      // back to the queue without counting as a failed attempt.
      this.logger.warn(`call ${callId}: interrupted by shutdown, handed back to ${job.queueName}`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // Built field by field from the adapter's typed result (no extra keys, the shape the schema
    // describes): no second validation of what our own code just made.
    const jobResult: AgentJobResult = {
      backend: result.backend,
      model: result.model,
      content: result.content,
      tokensIn: result.tokensIn,
      tokensOut: result.tokensOut,
      cachedTokensIn: result.cachedTokensIn,
      costUsd: result.costUsd,
      durationMs: result.durationMs,
      sessionId: result.sessionId,
      error: result.error,
      simulated: result.simulated,
      callId,
      promptHash: promptHash ?? notSent(prepared),
    };
    this.deps.metrics.called(this.deps.backend, jobResult, (performance.now() - started) / 1000);
    if (result.error) this.logger.warn(`call ${callId}: ${result.backend} failed: ${result.error}`);
    return jobResult;
  }
}

/**
 * The abort signals of in-flight calls, each aborted by BullMQ's cancel signal of its job or by the
 * worker's shutdown. One listener on the process-long shutdown signal serves every call, where
 * `AbortSignal.any` per job would register each job's signal with it until garbage collection.
 */
class CallSignals {
  private readonly live = new Set<AbortController>();

  constructor(private readonly shutdown: AbortSignal) {
    shutdown.addEventListener('abort', () => this.live.forEach((call) => call.abort()), {
      once: true,
    });
  }

  open(job: AbortSignal | undefined): { signal: AbortSignal; close(): void } {
    const call = new AbortController();
    if (this.shutdown.aborted || job?.aborted) call.abort();
    const abort = () => call.abort();
    job?.addEventListener('abort', abort, { once: true });
    this.live.add(call);
    return {
      signal: call.signal,
      close: () => {
        this.live.delete(call);
        job?.removeEventListener('abort', abort);
      },
    };
  }
}

/**
 * Tokens that arrive in the same turn of the event loop go out as one chunk (a vendor's SSE frames
 * read together, or the simulated backend's whole answer): the text and its order are the same,
 * with far fewer messages. A chunk never mixes attempts: the pending text of an attempt goes out
 * before the first text of the next. `flush` sends what is pending at once (before the job
 * completes).
 */
class TokenBatcher {
  private pending = '';
  private attempt = 1;
  private index = 0;
  private scheduled?: NodeJS.Immediate;

  constructor(private readonly send: (index: number, text: string, attempt: number) => void) {}

  /** Adds text of `attempt`; true when it starts over text an earlier attempt had streamed. */
  add(text: string, attempt: number): boolean {
    const restarted = attempt > this.attempt && (this.index > 0 || this.pending !== '');
    if (attempt !== this.attempt) {
      this.flush();
      this.attempt = attempt;
    }
    this.pending += text;
    this.scheduled ??= setImmediate(() => this.flush());
    return restarted;
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.send(this.index++, text, this.attempt);
  }
}

/** What a result records as its prompt hash when no request reached a vendor. */
function notSent(prepared: PreparedCall): string {
  return prepared.prompt ? 'none: no request was sent' : 'none: the prompt could not be composed';
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
