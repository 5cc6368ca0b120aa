import type { AgentResult } from '@postmagiq/contracts';
import type { AgentCall, BackendAdapter, CompleteOptions } from '../core/backend-adapter';
import { abortableDelay } from '../core/abortable-delay';
import { hashSentPrompt } from '../core/sent-prompt';
import { simulateResponse } from './simulate-response';

export const SIMULATED_MODEL = 'simulated-1';

export interface SimulatedAdapterConfig {
  /** Wall-clock delay per call, for load tests that need calls to take time. Default 0. */
  latencyMs?: number;
}

/** ≈ 4 characters per token: the usual rule of thumb for English, and deterministic. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * The offline backend: deterministic output, free, labelled `simulated: true` in every result so
 * nobody mistakes it for a model. Streams its answer word by word like a real backend.
 */
export class SimulatedAdapter implements BackendAdapter {
  readonly backend = 'simulated' as const;
  readonly defaultModel = SIMULATED_MODEL;
  private readonly latencyMs: number;

  constructor(config: SimulatedAdapterConfig = {}) {
    const latency = config.latencyMs ?? 0;
    if (!(latency >= 0)) throw new RangeError(`simulated latencyMs must be ≥ 0, got ${latency}`);
    this.latencyMs = latency;
  }

  async complete(call: AgentCall, opts: CompleteOptions = {}): Promise<AgentResult> {
    const started = performance.now();
    // What a vendor would be sent, hashed the same way, so a simulated run records hashes too.
    opts.onPromptHash?.(
      hashSentPrompt({
        model: SIMULATED_MODEL,
        system: [call.prompt.stablePrefix, call.prompt.persona].filter((t) => t.trim() !== ''),
        turns: [...call.history, { role: 'user', content: call.prompt.user }],
      }),
    );
    const prompt = [
      call.prompt.stablePrefix,
      call.prompt.persona,
      call.prompt.user,
      ...call.history.map((t) => t.content),
    ];
    const base = {
      backend: this.backend,
      model: SIMULATED_MODEL,
      tokensIn: estimateTokens(prompt.join('\n\n')),
      cachedTokensIn: 0,
      costUsd: 0,
      sessionId: call.task.sessionKey,
      simulated: true,
    };
    const done = (content: string, error: string | null): AgentResult => ({
      ...base,
      content,
      tokensOut: estimateTokens(content),
      durationMs: Math.round(performance.now() - started),
      error,
    });
    if (!(await abortableDelay(this.latencyMs, opts.signal))) {
      return done('', 'simulated backend: call cancelled: the call was cancelled by its caller.');
    }
    const content = simulateResponse(call.task);
    for (const token of content.match(/\s*\S+|\s+$/g) ?? []) opts.onToken?.(token, 1);
    return done(content, null);
  }
}
