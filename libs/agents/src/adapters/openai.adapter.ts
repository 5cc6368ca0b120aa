import OpenAI from 'openai';
import type { AgentCall } from '../core/backend-adapter';
import type { SentPrompt } from '../core/sent-prompt';
import { VendorResponseError } from '../retry/call-errors';
import type { AttemptContext } from '../retry/run-streaming-call';
import {
  chatMessages,
  chatSentPrompt,
  type ChatRequest,
  type VendorAdapterConfig,
} from './adapter-config';
import { StreamingVendorAdapter } from './streaming-vendor-adapter';

export const OPENAI_DEFAULT_MODEL = 'gpt-5.4-mini';

/** The chat completions request we send: text-only messages, so the prompt can be read back off it. */
type OpenAIRequest = OpenAI.ChatCompletionCreateParamsStreaming & ChatRequest;

/**
 * OpenAI chat completions, streamed with `include_usage` so the last chunk carries the bill.
 * OpenAI caches long prompt prefixes by itself; putting the stable prefix first in the system
 * message is what lets it hit (`prompt_tokens_details.cached_tokens`).
 */
export class OpenAIAdapter extends StreamingVendorAdapter<OpenAIRequest> {
  readonly backend = 'openai' as const;
  private readonly client: OpenAI;
  private readonly maxTokens: number | undefined;

  constructor(config: VendorAdapterConfig) {
    super(config.defaultModel ?? OPENAI_DEFAULT_MODEL, config.retry);
    // Reasoning models count hidden reasoning against this cap: only set it when asked to.
    this.maxTokens = config.maxOutputTokens;
    this.client = new OpenAI({
      apiKey: config.apiKey,
      baseURL: config.baseURL ?? null,
      maxRetries: 0, // our policy retries; two layers would multiply attempts
      logLevel: 'off', // failures are classified and reported once, by us
    });
  }

  protected assemble(call: AgentCall): OpenAIRequest {
    return {
      model: call.model,
      messages: chatMessages(call),
      stream: true,
      stream_options: { include_usage: true },
      ...(this.maxTokens === undefined ? {} : { max_completion_tokens: this.maxTokens }),
    };
  }

  protected promptOf(request: OpenAIRequest): SentPrompt {
    return chatSentPrompt(request);
  }

  protected async attempt(request: OpenAIRequest, ctx: AttemptContext): Promise<void> {
    const stream = await this.client.chat.completions.create(request, { signal: ctx.signal });
    let finished = false;
    for await (const chunk of stream) {
      ctx.touch();
      const choice = chunk.choices[0];
      if (choice?.delta?.content) ctx.emit(choice.delta.content);
      if (choice?.finish_reason) finished = true;
      if (chunk.usage) {
        ctx.setUsage({
          tokensIn: chunk.usage.prompt_tokens,
          tokensOut: chunk.usage.completion_tokens,
          cachedTokensIn: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
        });
      }
    }
    if (!finished && !ctx.signal.aborted) {
      throw new VendorResponseError('the stream ended without a finish_reason', 'malformed');
    }
  }
}
