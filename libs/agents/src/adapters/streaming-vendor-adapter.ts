import type { AgentBackend, AgentResult } from '@postmagiq/contracts';
import type { AgentCall, BackendAdapter, CompleteOptions } from '../core/backend-adapter';
import { hashSentPrompt, type SentPrompt } from '../core/sent-prompt';
import { retryPolicy, type RetryPolicy } from '../retry/retry-policy';
import { runStreamingCall, type AttemptContext } from '../retry/run-streaming-call';

/**
 * What every vendor adapter shares: one retry policy and the streaming-call loop around it. A
 * vendor says how to assemble its request, where the prompt is in it, and how to make one attempt
 * (send the request, feed tokens and usage to `ctx`). The request is assembled once, so every
 * attempt sends the same one and the prompt hash is read off exactly what is sent.
 */
export abstract class StreamingVendorAdapter<Request> implements BackendAdapter {
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
    const request = this.assemble(call);
    opts.onPromptHash?.(hashSentPrompt(this.promptOf(request)));
    return runStreamingCall({
      backend: this.backend,
      model: call.model,
      policy: this.policy,
      sessionId: call.task.sessionKey,
      onToken: opts.onToken,
      signal: opts.signal,
      host: this.connectionHost,
      attempt: (ctx) => this.attempt(request, ctx),
    });
  }

  /** The vendor request of a call: its SDK's parameters, sent as they are by every attempt. */
  protected abstract assemble(call: AgentCall): Request;
  /** The prompt as the request carries it: what the recorded prompt hash covers. */
  protected abstract promptOf(request: Request): SentPrompt;
  protected abstract attempt(request: Request, ctx: AttemptContext): Promise<void>;
}
