import type { IncomingMessage } from 'node:http';
import { FakeVendorServer, type FakeUsage, type StreamPlan } from './fake-vendor-server';

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

/** OpenAI chat completions: POST /v1/chat/completions, SSE `data:` frames ending in `[DONE]`. */
export class FakeOpenAIServer extends FakeVendorServer {
  constructor(apiKey = 'sk-proj-fake') {
    super(apiKey);
  }

  /** The SDK's baseURL for this fake (the SDK appends `/chat/completions`). */
  get baseURL(): string {
    return `${this.url}/v1`;
  }

  protected route(method: string, path: string): boolean {
    return method === 'POST' && path === '/v1/chat/completions';
  }

  protected authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.apiKey}`;
  }

  protected streamPlan(chunks: string[], usage: FakeUsage, body: unknown): StreamPlan {
    const model = (body as { model?: string } | undefined)?.model ?? 'unknown-model';
    const includeUsage = (body as { stream_options?: { include_usage?: boolean } } | undefined)
      ?.stream_options?.include_usage;
    const base = {
      id: 'chatcmpl-fake01',
      object: 'chat.completion.chunk',
      created: 1767225600,
      model,
      system_fingerprint: 'fp_fake',
    };
    const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
    const choice = (delta: unknown, finish: string | null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    const usageField = includeUsage ? { usage: null } : {};
    const frames = [
      data({
        ...base,
        choices: [choice({ role: 'assistant', content: '', refusal: null }, null)],
        ...usageField,
      }),
      ...chunks.map((content) =>
        data({ ...base, choices: [choice({ content }, null)], ...usageField }),
      ),
    ];
    const textEnd = frames.length;
    frames.push(data({ ...base, choices: [choice({}, 'stop')], ...usageField }));
    if (includeUsage) {
      frames.push(
        data({
          ...base,
          choices: [],
          usage: {
            prompt_tokens: usage.input,
            completion_tokens: usage.output,
            total_tokens: usage.input + usage.output,
            prompt_tokens_details: { cached_tokens: usage.cachedInput ?? 0, audio_tokens: 0 },
            completion_tokens_details: {
              reasoning_tokens: 0,
              audio_tokens: 0,
              accepted_prediction_tokens: 0,
              rejected_prediction_tokens: 0,
            },
          },
        }),
      );
    }
    frames.push('data: [DONE]\n\n');
    return {
      contentType: 'text/event-stream; charset=utf-8',
      frames,
      textEnd,
      headers: { 'x-request-id': 'req_fake01' },
    };
  }

  protected errorBody(status: number, message: string): unknown {
    const { type, code } = ERROR_TYPES[status] ?? { type: 'server_error', code: null };
    return { error: { message, type, param: null, code } };
  }

  protected unauthorized() {
    return {
      status: 401,
      body: this.errorBody(
        401,
        'Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.',
      ),
    };
  }

  protected malformed() {
    return {
      contentType: 'text/event-stream; charset=utf-8',
      body: 'data: {"id":"chatcmpl-fake01","choices":[{\n\n',
    };
  }
}
