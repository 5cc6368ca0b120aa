import { GoogleGenerativeAI, type Content, type UsageMetadata } from '@google/generative-ai';
import type { AgentCall } from '../core/backend-adapter';
import type { SentPrompt } from '../core/sent-prompt';
import { VendorResponseError } from '../retry/call-errors';
import type { AttemptContext } from '../retry/run-streaming-call';
import { DEFAULT_MAX_OUTPUT_TOKENS, systemText, type VendorAdapterConfig } from './adapter-config';
import { StreamingVendorAdapter } from './streaming-vendor-adapter';

export const GEMINI_DEFAULT_MODEL = 'gemini-2.5-flash';

/** What one call sends: the model and system instruction (in the URL and body) and the turns. */
interface GeminiRequest {
  model: string;
  systemInstruction?: string;
  contents: Content[];
}

/** Newer API versions report thinking tokens; they are billed as output. */
type WireUsage = UsageMetadata & { thoughtsTokenCount?: number };

/** Finish reasons that mean the model refused or was stopped by a filter, not that it finished. */
const REFUSALS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'LANGUAGE',
]);

/**
 * Gemini API via `generateContentStream`. The stable prefix leads the `systemInstruction`, which
 * is what Gemini's implicit caching keys on (`usageMetadata.cachedContentTokenCount`). The SDK
 * has no retries of its own; we never pass it a timeout because its timer is never cleared and
 * would hold the process open — our idle watchdog aborts through the signal instead.
 */
export class GeminiAdapter extends StreamingVendorAdapter<GeminiRequest> {
  readonly backend = 'gemini' as const;
  private readonly client: GoogleGenerativeAI;
  private readonly maxTokens: number;
  private readonly baseUrl: string | undefined;

  constructor(config: VendorAdapterConfig) {
    super(config.defaultModel ?? GEMINI_DEFAULT_MODEL, config.retry);
    this.maxTokens = config.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    this.baseUrl = config.baseURL;
    this.client = new GoogleGenerativeAI(config.apiKey);
  }

  protected assemble(call: AgentCall): GeminiRequest {
    const system = systemText(call.prompt);
    return {
      model: call.model,
      ...(system ? { systemInstruction: system } : {}),
      contents: [
        ...call.history.map((turn) => ({
          role: turn.role === 'assistant' ? 'model' : 'user',
          parts: [{ text: turn.content }],
        })),
        { role: 'user', parts: [{ text: call.prompt.user }] },
      ],
    };
  }

  protected promptOf(request: GeminiRequest): SentPrompt {
    return {
      model: request.model,
      system: request.systemInstruction === undefined ? [] : [request.systemInstruction],
      turns: request.contents.map((content) => ({
        role: content.role === 'model' ? 'assistant' : 'user',
        content: content.parts.map((part) => part.text ?? '').join(''),
      })),
    };
  }

  protected async attempt(request: GeminiRequest, ctx: AttemptContext): Promise<void> {
    const { model: name, systemInstruction, contents } = request;
    const model = this.client.getGenerativeModel(
      {
        model: name,
        ...(systemInstruction === undefined ? {} : { systemInstruction }),
        generationConfig: { maxOutputTokens: this.maxTokens },
      },
      this.baseUrl ? { baseUrl: this.baseUrl } : {},
    );
    const result = await model.generateContentStream({ contents }, { signal: ctx.signal });
    // The SDK tees the stream into an aggregate promise we do not use; when the stream fails that
    // promise rejects too, and must not surface as an unhandled rejection.
    result.response.catch(() => undefined);
    let finishReason: string | null = null;
    for await (const chunk of result.stream) {
      ctx.touch();
      const blocked = chunk.promptFeedback?.blockReason;
      if (blocked) throw new VendorResponseError(`the prompt was blocked (${blocked})`, 'refused');
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (typeof part.text === 'string') ctx.emit(part.text);
      }
      if (candidate?.finishReason) finishReason = candidate.finishReason;
      const usage = chunk.usageMetadata as WireUsage | undefined;
      if (usage) {
        ctx.setUsage({
          tokensIn: usage.promptTokenCount ?? 0,
          tokensOut: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
          cachedTokensIn: usage.cachedContentTokenCount ?? 0,
        });
      }
    }
    if (ctx.signal.aborted) return;
    if (finishReason === null)
      throw new VendorResponseError('the stream ended without a finishReason', 'malformed');
    if (REFUSALS.has(finishReason))
      throw new VendorResponseError(`generation stopped (${finishReason})`, 'refused');
  }
}
