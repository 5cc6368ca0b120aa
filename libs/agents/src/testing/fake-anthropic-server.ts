import type { IncomingMessage } from 'node:http';
import { FakeVendorServer, type FakeUsage, type StreamPlan } from './fake-vendor-server';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Anthropic Messages API: POST /v1/messages, SSE with named `event:` lines. */
export class FakeAnthropicServer extends FakeVendorServer {
  constructor(apiKey = 'fake-anthropic-test-key') {
    super(apiKey);
  }

  protected route(method: string, path: string): boolean {
    return method === 'POST' && path === '/v1/messages';
  }

  protected authorized(req: IncomingMessage): boolean {
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    return req.headers['x-api-key'] === this.apiKey || bearer === this.apiKey;
  }

  protected streamPlan(chunks: string[], usage: FakeUsage, body: unknown): StreamPlan {
    const model = modelOf(body);
    const cacheRead = usage.cachedInput ?? 0;
    const cacheWrite = usage.cacheWrite ?? 0;
    // Anthropic's input_tokens counts only the uncached part of the prompt.
    const inputTokens = usage.input - cacheRead - cacheWrite;
    const sse = (event: string, data: unknown) =>
      `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    const frames = [
      sse('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_fake_01',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: inputTokens,
            cache_creation_input_tokens: cacheWrite,
            cache_read_input_tokens: cacheRead,
            output_tokens: 1,
            service_tier: 'standard',
          },
        },
      }),
      sse('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      sse('ping', { type: 'ping' }),
      ...chunks.map((text) =>
        sse('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        }),
      ),
    ];
    const textEnd = frames.length;
    frames.push(
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage.output },
      }),
      sse('message_stop', { type: 'message_stop' }),
    );
    return {
      contentType: 'text/event-stream; charset=utf-8',
      frames,
      textEnd,
      headers: { 'request-id': 'req_fake_01' },
    };
  }

  protected errorBody(status: number, message: string): unknown {
    return {
      type: 'error',
      error: { type: ERROR_TYPES[status] ?? 'api_error', message },
      request_id: 'req_fake_01',
    };
  }

  protected unauthorized() {
    return { status: 401, body: this.errorBody(401, 'invalid x-api-key') };
  }

  protected malformed() {
    return {
      contentType: 'text/event-stream; charset=utf-8',
      body: 'event: message_start\ndata: {"type":"message_start","message":{"id":\n\n',
    };
  }
}

function modelOf(body: unknown): string {
  const model =
    typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model : 'unknown-model';
}
