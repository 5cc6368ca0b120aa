import type { IncomingMessage } from 'node:http';
import { FakeVendorServer, type FakeUsage, type StreamPlan } from './fake-vendor-server';

/** Ollama: POST /api/chat, newline-delimited JSON, `{"error": "..."}` bodies, no auth by default. */
export class FakeOllamaServer extends FakeVendorServer {
  /** Pass a token to emulate Ollama behind an authenticating proxy. */
  constructor(bearerToken: string | null = null) {
    super(bearerToken);
  }

  protected route(method: string, path: string): boolean {
    return method === 'POST' && path === '/api/chat';
  }

  protected authorized(req: IncomingMessage): boolean {
    return this.apiKey === null || req.headers.authorization === `Bearer ${this.apiKey}`;
  }

  protected streamPlan(chunks: string[], usage: FakeUsage, body: unknown): StreamPlan {
    const model = (body as { model?: string } | undefined)?.model ?? 'unknown-model';
    const createdAt = '2026-01-01T00:00:00.000000Z';
    const line = (payload: unknown) => `${JSON.stringify(payload)}\n`;
    const frames = chunks.map((content) =>
      line({ model, created_at: createdAt, message: { role: 'assistant', content }, done: false }),
    );
    const textEnd = frames.length;
    frames.push(
      line({
        model,
        created_at: createdAt,
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        total_duration: 1_200_000_000,
        load_duration: 50_000_000,
        prompt_eval_count: usage.input,
        prompt_eval_duration: 300_000_000,
        eval_count: usage.output,
        eval_duration: 800_000_000,
      }),
    );
    return { contentType: 'application/x-ndjson', frames, textEnd };
  }

  protected errorBody(_status: number, message: string): unknown {
    return { error: message };
  }

  protected unauthorized() {
    return { status: 401, body: { error: 'unauthorized' } };
  }

  protected malformed() {
    return {
      contentType: 'application/x-ndjson',
      body: '{"model": "x", "message": \nnot json at all\n',
    };
  }
}
