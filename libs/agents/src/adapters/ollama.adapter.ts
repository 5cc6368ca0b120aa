import { Ollama } from 'ollama';
import type { AgentCall } from '../core/backend-adapter';
import type { SentPrompt } from '../core/sent-prompt';
import type { RetryPolicy } from '../retry/retry-policy';
import type { AttemptContext } from '../retry/run-streaming-call';
import { chatMessages, chatSentPrompt, type ChatRequest } from './adapter-config';
import { StreamingVendorAdapter } from './streaming-vendor-adapter';

export const OLLAMA_DEFAULT_MODEL = 'llama3.2';
export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';

/** The `/api/chat` request we send, streaming aside: text-only messages. */
type OllamaRequest = ChatRequest;

export interface OllamaAdapterConfig {
  /** Ollama's base URL (OLLAMA_HOST). */
  host?: string;
  defaultModel?: string;
  /** Extra headers, e.g. the bearer token of an authenticating proxy in front of Ollama. */
  headers?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
}

/**
 * Ollama `/api/chat`, streamed as NDJSON. Self-hosted, so every call costs 0 USD. The `ollama`
 * client has no signal option and drops response headers, so each attempt gets a client whose
 * fetch carries our signal and remembers the headers (for Retry-After from a proxy).
 */
export class OllamaAdapter extends StreamingVendorAdapter<OllamaRequest> {
  readonly backend = 'ollama' as const;
  readonly host: string;
  private readonly headers: Record<string, string>;

  constructor(config: OllamaAdapterConfig = {}) {
    const host = config.host ?? OLLAMA_DEFAULT_HOST;
    super(config.defaultModel ?? OLLAMA_DEFAULT_MODEL, config.retry, host);
    this.host = host;
    this.headers = config.headers ?? {};
  }

  protected assemble(call: AgentCall): OllamaRequest {
    return {
      model: call.model,
      messages: chatMessages(call),
    };
  }

  protected promptOf(request: OllamaRequest): SentPrompt {
    return chatSentPrompt(request);
  }

  protected async attempt(request: OllamaRequest, ctx: AttemptContext): Promise<void> {
    let lastHeaders: Headers | null = null;
    const client = new Ollama({
      host: this.host,
      headers: this.headers,
      fetch: async (input, init) => {
        const signal = init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal;
        const response = await fetch(input, { ...init, signal });
        lastHeaders = response.headers;
        ctx.touch();
        return response;
      },
    });
    try {
      const stream = await client.chat({ ...request, stream: true });
      for await (const part of stream) {
        ctx.touch();
        if (part.message?.content) ctx.emit(part.message.content);
        if (part.done) {
          ctx.setUsage({ tokensIn: part.prompt_eval_count ?? 0, tokensOut: part.eval_count ?? 0 });
        }
      }
    } catch (err) {
      // ResponseError carries only the status; give classification the headers it needs.
      if (lastHeaders && err instanceof Error && 'status_code' in err)
        Object.assign(err, { headers: lastHeaders });
      throw err;
    }
  }
}
