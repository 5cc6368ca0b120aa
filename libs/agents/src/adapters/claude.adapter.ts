import Anthropic from '@anthropic-ai/sdk';
import type { AgentCall } from '../core/backend-adapter';
import type { SentPrompt } from '../core/sent-prompt';
import { VendorResponseError } from '../retry/call-errors';
import type { AttemptContext } from '../retry/run-streaming-call';
import { DEFAULT_MAX_OUTPUT_TOKENS, type VendorAdapterConfig } from './adapter-config';
import { StreamingVendorAdapter } from './streaming-vendor-adapter';

export const CLAUDE_DEFAULT_MODEL = 'claude-sonnet-5-5';

/** The Messages API request we send: text-only turns, so the prompt can be read back off it. */
interface ClaudeRequest extends Anthropic.MessageCreateParamsStreaming {
  system: Anthropic.TextBlockParam[];
  messages: { role: 'user' | 'assistant'; content: string }[];
}

/**
 * Anthropic Messages API, streamed. The stable prefix (universal rules + voice) is its own system
 * block marked `cache_control: ephemeral`, so every call of a run after the first reads it from
 * the prompt cache; the persona follows in a second, uncached block.
 */
export class ClaudeAdapter extends StreamingVendorAdapter<ClaudeRequest> {
  readonly backend = 'claude' as const;
  private readonly client: Anthropic;
  private readonly maxTokens: number;

  constructor(config: VendorAdapterConfig) {
    super(config.defaultModel ?? CLAUDE_DEFAULT_MODEL, config.retry);
    this.maxTokens = config.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    this.client = new Anthropic({
      apiKey: config.apiKey,
      baseURL: config.baseURL ?? null,
      maxRetries: 0, // our policy retries; two layers would multiply attempts
      logLevel: 'off', // failures are classified and reported once, by us
    });
  }

  protected assemble(call: AgentCall): ClaudeRequest {
    const system: Anthropic.TextBlockParam[] = [];
    if (call.prompt.stablePrefix.trim()) {
      system.push({
        type: 'text',
        text: call.prompt.stablePrefix,
        cache_control: { type: 'ephemeral' },
      });
    }
    if (call.prompt.persona.trim()) system.push({ type: 'text', text: call.prompt.persona });
    const messages = [
      ...call.history.map((turn) => ({ role: turn.role, content: turn.content })),
      { role: 'user' as const, content: call.prompt.user },
    ];
    return { model: call.model, max_tokens: this.maxTokens, system, messages, stream: true };
  }

  protected promptOf(request: ClaudeRequest): SentPrompt {
    return {
      model: request.model,
      system: request.system.map((block) => block.text),
      turns: request.messages,
    };
  }

  protected async attempt(request: ClaudeRequest, ctx: AttemptContext): Promise<void> {
    const stream = await this.client.messages.create(request, { signal: ctx.signal });
    // Anthropic reports input (and cache) usage in message_start and cumulative output in
    // message_delta; input fields there may be null, which means "unchanged".
    let uncached = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    const report = (outputTokens: number) =>
      ctx.setUsage({
        tokensIn: uncached + cacheRead + cacheWrite,
        cachedTokensIn: cacheRead,
        cacheWriteTokensIn: cacheWrite,
        tokensOut: outputTokens,
      });
    let stopped = false;
    for await (const event of stream) {
      ctx.touch();
      if (event.type === 'message_stop') stopped = true;
      if (event.type === 'message_start') {
        const usage = event.message.usage;
        uncached = usage.input_tokens;
        cacheRead = usage.cache_read_input_tokens ?? 0;
        cacheWrite = usage.cache_creation_input_tokens ?? 0;
        report(usage.output_tokens);
      } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        ctx.emit(event.delta.text);
      } else if (event.type === 'message_delta') {
        const usage = event.usage;
        uncached = usage.input_tokens ?? uncached;
        cacheRead = usage.cache_read_input_tokens ?? cacheRead;
        cacheWrite = usage.cache_creation_input_tokens ?? cacheWrite;
        report(usage.output_tokens);
      }
    }
    if (!stopped && !ctx.signal.aborted) {
      throw new VendorResponseError('the stream ended before message_stop', 'malformed');
    }
  }
}
