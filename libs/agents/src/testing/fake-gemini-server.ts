import type { IncomingMessage } from 'node:http';
import { FakeVendorServer, type FakeUsage, type StreamPlan } from './fake-vendor-server';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/**
 * Gemini API: POST /v1beta/models/{model}:streamGenerateContent?alt=sse, SSE `data:` frames
 * separated by CRLF pairs, google.rpc error bodies (a wrong key is a 400 API_KEY_INVALID).
 */
export class FakeGeminiServer extends FakeVendorServer {
  constructor(apiKey = 'AIza-fake') {
    super(apiKey);
  }

  protected route(method: string, path: string): boolean {
    return method === 'POST' && /^\/v1beta\/models\/[^/:]+:streamGenerateContent$/.test(path);
  }

  protected authorized(req: IncomingMessage, url: URL): boolean {
    return (
      req.headers['x-goog-api-key'] === this.apiKey || url.searchParams.get('key') === this.apiKey
    );
  }

  protected streamPlan(chunks: string[], usage: FakeUsage): StreamPlan {
    const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\r\n\r\n`;
    const meta = (candidates: number) => ({
      promptTokenCount: usage.input,
      candidatesTokenCount: candidates,
      totalTokenCount: usage.input + candidates,
      ...(usage.cachedInput ? { cachedContentTokenCount: usage.cachedInput } : {}),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.input }],
    });
    const frames = chunks.map((text, i) =>
      data({
        candidates: [
          {
            content: { parts: [{ text }], role: 'model' },
            index: 0,
            ...(i === chunks.length - 1 ? { finishReason: 'STOP' } : {}),
          },
        ],
        usageMetadata: meta(i === chunks.length - 1 ? usage.output : Math.min(i + 1, usage.output)),
        modelVersion: 'gemini-fake',
        responseId: 'resp-fake-01',
      }),
    );
    return { contentType: 'text/event-stream', frames, textEnd: Math.max(1, frames.length - 1) };
  }

  protected errorBody(status: number, message: string, retryAfterSeconds?: number): unknown {
    const details =
      retryAfterSeconds === undefined
        ? undefined
        : [
            {
              '@type': 'type.googleapis.com/google.rpc.RetryInfo',
              retryDelay: `${retryAfterSeconds}s`,
            },
          ];
    return {
      error: {
        code: status,
        message,
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
        ...(details ? { details } : {}),
      },
    };
  }

  protected unauthorized() {
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        },
      },
    };
  }

  protected malformed() {
    return { contentType: 'text/event-stream', body: 'data: {"candidates": [{"content": \r\n\r\n' };
  }
}
