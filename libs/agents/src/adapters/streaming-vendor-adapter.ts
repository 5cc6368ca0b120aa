import type { AgentBackend, AgentResult } from '@postmagiq/contracts';
import type { AgentCall, BackendAdapter, CompleteOptions } from '../core/backend-adapter';
import { retryPolicy, type RetryPolicy } from '../retry/retry-policy';
import { runStreamingCall, type AttemptContext } from '../retry/run-streaming-call';

/**
 * What every vendor adapter shares: one retry policy and the streaming-call loop around it. A
 * vendor only says how to make one attempt (send the request, feed tokens and usage to `ctx`).
 */
export abstract class StreamingVendorAdapter implements BackendAdapter {
  abstract readonly backend: Exclude<AgentBackend, 'simulated'>;
  protected readonly policy: RetryPolicy;

  protected constructor(
    readonly defaultModel: string,
    retry: Partial<RetryPolicy> | undefined,
    /** Where the backend runs, when that is what a connection error should name (Ollama). */
    private readonly connectionHost?: string,
  ) {
    this.policy = retryPolicy(retry);
  }

  complete(call: AgentCall, opts: CompleteOptions = {}): Promise<AgentResult> {
    return runStreamingCall({
      backend: this.backend,
      model: call.model,
      policy: this.policy,
      sessionId: call.task.sessionKey,
      onToken: opts.onToken,
      signal: opts.signal,
      host: this.connectionHost,
      attempt: (ctx) => this.attempt(call, ctx),
    });
  }

  protected abstract attempt(call: AgentCall, ctx: AttemptContext): Promise<void>;
}
