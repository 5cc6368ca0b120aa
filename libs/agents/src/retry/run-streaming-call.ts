import type { AgentBackend, AgentResult } from '@postmagiq/contracts';
import { abortableDelay } from '../core/abortable-delay';
import { addUsage, ZERO_USAGE, type UsageCounts } from '../core/usage-counts';
import { priceUsage } from '../pricing/pricing';
import { AttemptTimeoutError, CallCancelledError } from './call-errors';
import { classifyError, type ClassifiedError } from './classify-error';
import { backoffDelayMs, type RetryPolicy } from './retry-policy';

/** What one attempt of a vendor call gets from the retry loop. */
export interface AttemptContext {
  /** Aborts when the caller cancels or the attempt goes idle; pass it to the SDK. */
  readonly signal: AbortSignal;
  readonly attempt: number;
  /**
   * Streams text to the caller (numbered with this attempt) and adds it to the attempt's content;
   * also proves the attempt is alive.
   */
  emit(text: string): void;
  /** Records the vendor's latest (cumulative) usage figures for this attempt. */
  setUsage(usage: Partial<UsageCounts>): void;
  /** Proves the attempt is alive when an event carries no text (pings, usage, headers). */
  touch(): void;
}

export interface StreamingCallSpec {
  backend: AgentBackend;
  model: string;
  policy: RetryPolicy;
  sessionId: string | null;
  /** Each attempt's text as it streams, with the attempt's number: see `CompleteOptions.onToken`. */
  onToken?: (text: string, attempt: number) => void;
  signal?: AbortSignal;
  /** Where the vendor lives, for messages about unreachable servers. */
  host?: string;
  /** One try at the call: streams through `ctx`, throws whatever the SDK throws. */
  attempt: (ctx: AttemptContext) => Promise<void>;
}

interface AttemptOutcome {
  usage: UsageCounts;
  content: string;
  error: unknown;
}

/**
 * Runs a streaming vendor call under our one retry policy and folds it into an AgentResult.
 * A retryable failure (429, 5xx, reset, idle timeout) is retried with the same backoff and
 * attempt limit whether it came before the first token or in the middle of the stream: a retry
 * starts the answer over, its tokens carry the new attempt number so a live viewer drops the
 * text of the broken attempt, and the result's content is the last attempt's text alone.
 * Usage is summed over all attempts as the vendor reported it: an attempt the vendor metered is
 * money spent even if we retried it. A stream cut before the vendor's usage arrived (OpenAI and
 * Ollama send it only at the end, Anthropic its output count) adds only what was reported: we
 * do not estimate tokens the vendor never counted for us.
 */
export async function runStreamingCall(spec: StreamingCallSpec): Promise<AgentResult> {
  const started = performance.now();
  let usage: UsageCounts = { ...ZERO_USAGE };
  let content = '';
  let failure: ClassifiedError | null = null;
  let attempts = 0;
  for (let attempt = 1; attempt <= spec.policy.maxAttempts; attempt++) {
    if (spec.signal?.aborted) {
      failure = classifyError(spec.backend, new CallCancelledError());
      break;
    }
    attempts = attempt;
    const outcome = await runAttempt(spec, attempt);
    usage = addUsage(usage, outcome.usage);
    content = outcome.content;
    if (outcome.error === null) return result(spec, started, usage, content, null);
    failure = classifyError(spec.backend, outcome.error, { host: spec.host });
    if (!failure.retryable || attempt === spec.policy.maxAttempts) break;
    const waitAsked = failure.retryAfterMs;
    if (waitAsked !== null && waitAsked > spec.policy.maxRetryAfterMs) {
      failure = {
        ...failure,
        message: `${failure.message} The vendor asked to wait ${Math.ceil(waitAsked / 1000)} s, longer than the ${Math.ceil(spec.policy.maxRetryAfterMs / 1000)} s we wait within one call.`,
      };
      break;
    }
    const slept = await abortableDelay(
      backoffDelayMs(attempt, spec.policy, waitAsked),
      spec.signal,
    );
    if (!slept) {
      failure = classifyError(spec.backend, new CallCancelledError());
      break;
    }
  }
  const gaveUp = attempts > 1 ? ` Gave up after ${attempts} attempts.` : '';
  const message = failure
    ? `${failure.message}${gaveUp}`
    : `${spec.backend} backend: no attempt was made.`;
  return result(spec, started, usage, content, message);
}

async function runAttempt(spec: StreamingCallSpec, attempt: number): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(new CallCancelledError());
  spec.signal?.addEventListener('abort', onCallerAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new AttemptTimeoutError(spec.policy.idleTimeoutMs)),
      spec.policy.idleTimeoutMs,
    );
  };
  const outcome: AttemptOutcome = { usage: { ...ZERO_USAGE }, content: '', error: null };
  const ctx: AttemptContext = {
    signal: controller.signal,
    attempt,
    emit(text) {
      if (!text || controller.signal.aborted) return;
      arm();
      outcome.content += text;
      spec.onToken?.(text, attempt);
    },
    setUsage(partial) {
      outcome.usage = { ...outcome.usage, ...partial };
    },
    touch: arm,
  };
  arm();
  try {
    await spec.attempt(ctx);
    // The Stainless SDKs end a stream silently when its signal aborts: that is no success.
    if (controller.signal.aborted) outcome.error = controller.signal.reason;
  } catch (err) {
    outcome.error = controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onCallerAbort);
  }
  return outcome;
}

function result(
  spec: StreamingCallSpec,
  started: number,
  usage: UsageCounts,
  content: string,
  error: string | null,
): AgentResult {
  return {
    backend: spec.backend,
    model: spec.model,
    content,
    tokensIn: usage.tokensIn,
    tokensOut: usage.tokensOut,
    cachedTokensIn: usage.cachedTokensIn,
    costUsd: priceUsage(spec.backend, spec.model, usage),
    durationMs: Math.round(performance.now() - started),
    sessionId: spec.sessionId,
    error,
    simulated: false,
  };
}
