import { retryPolicy } from './retry-policy';
import {
  runStreamingCall,
  type AttemptContext,
  type StreamingCallSpec,
} from './run-streaming-call';

const policy = retryPolicy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, idleTimeoutMs: 50 });
const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, headers: new Headers(headers) });

function spec(
  attempt: (ctx: AttemptContext) => Promise<void>,
  extra: Partial<StreamingCallSpec> = {},
) {
  return {
    backend: 'openai' as const,
    model: 'gpt-5.4-mini',
    policy,
    sessionId: null,
    attempt,
    ...extra,
  };
}

describe('runStreamingCall', () => {
  it('streams tokens in order, aggregates content and prices the usage', async () => {
    const tokens: string[] = [];
    const result = await runStreamingCall(
      spec(
        async (ctx) => {
          for (const t of ['Hello', ', ', 'world']) ctx.emit(t);
          ctx.setUsage({ tokensIn: 1_000_000, tokensOut: 0 });
        },
        { onToken: (t) => tokens.push(t) },
      ),
    );
    expect(tokens).toEqual(['Hello', ', ', 'world']);
    expect(result).toMatchObject({ content: 'Hello, world', error: null, tokensIn: 1_000_000 });
    expect(result.costUsd).toBeCloseTo(0.75, 10);
    expect(result.simulated).toBe(false);
  });

  it('retries a retryable failure before the first token and sums the usage of every attempt', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(async (ctx) => {
        calls++;
        ctx.setUsage({ tokensIn: 10 });
        if (calls < 3) throw httpError(503);
        ctx.emit('ok');
      }),
    );
    expect(calls).toBe(3);
    expect(result).toMatchObject({ content: 'ok', error: null, tokensIn: 30 });
  });

  it('gives up after maxAttempts with the backend and the attempt count in the error', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(async () => {
        calls++;
        throw httpError(500);
      }),
    );
    expect(calls).toBe(3);
    expect(result.error).toMatch(
      /^openai backend: server error \(HTTP 500\).*Gave up after 3 attempts/,
    );
  });

  it('retries a failure mid-stream from the start, numbering the new attempt in its tokens', async () => {
    let calls = 0;
    const tokens: [string, number][] = [];
    const result = await runStreamingCall(
      spec(
        async (ctx) => {
          calls++;
          ctx.setUsage({ tokensIn: 100, tokensOut: 1 });
          ctx.emit('Hello');
          if (calls === 1) {
            ctx.emit(' wor');
            throw httpError(502);
          }
          ctx.emit(', world');
          ctx.setUsage({ tokensOut: 5 });
        },
        { onToken: (text, attempt) => tokens.push([text, attempt]) },
      ),
    );
    expect(calls).toBe(2);
    expect(tokens).toEqual([
      ['Hello', 1],
      [' wor', 1],
      ['Hello', 2],
      [', world', 2],
    ]);
    // the content is the last attempt's alone; both attempts' reported usage is metered
    expect(result).toMatchObject({
      content: 'Hello, world',
      error: null,
      tokensIn: 200,
      tokensOut: 6,
    });
  });

  it('gives up on a stream that keeps breaking after maxAttempts, with the last partial text', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(async (ctx) => {
        calls++;
        ctx.emit(`partial ${calls}`);
        throw httpError(503);
      }),
    );
    expect(calls).toBe(3);
    expect(result.content).toBe('partial 3');
    expect(result.error).toMatch(/HTTP 503.*Gave up after 3 attempts/);
  });

  it('does not retry a non-retryable failure mid-stream', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(async (ctx) => {
        calls++;
        ctx.emit('partial ');
        throw httpError(400);
      }),
    );
    expect(calls).toBe(1);
    expect(result.content).toBe('partial ');
    expect(result.error).toMatch(/HTTP 400/);
  });

  it('fails at once on a client error', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(async () => {
        calls++;
        throw httpError(400);
      }),
    );
    expect(calls).toBe(1);
    expect(result.error).toMatch(/request rejected \(HTTP 400\)/);
  });

  it('treats an idle attempt as a timeout and retries it', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(async (ctx) => {
        calls++;
        if (calls === 1) {
          // Like an SDK whose stream ends quietly when its signal aborts.
          await new Promise<void>((resolve) =>
            ctx.signal.addEventListener('abort', () => resolve()),
          );
          return;
        }
        ctx.emit('late but fine');
      }),
    );
    expect(calls).toBe(2);
    expect(result).toMatchObject({ content: 'late but fine', error: null });
  });

  it('stops when the caller cancels, without retrying', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = runStreamingCall(
      spec(
        async (ctx) => {
          calls++;
          await new Promise<void>((resolve) =>
            ctx.signal.addEventListener('abort', () => resolve()),
          );
        },
        { signal: controller.signal },
      ),
    );
    setTimeout(() => controller.abort(), 5);
    const result = await pending;
    expect(calls).toBe(1);
    expect(result.error).toMatch(/call cancelled/);
  });

  it('fails now when the vendor asks for a longer wait than the policy allows', async () => {
    let calls = 0;
    const result = await runStreamingCall(
      spec(
        async () => {
          calls++;
          throw httpError(429, { 'retry-after': '120' });
        },
        { policy: { ...policy, maxRetryAfterMs: 1_000 } },
      ),
    );
    expect(calls).toBe(1);
    expect(result.error).toMatch(/rate limited \(HTTP 429\).*asked to wait 120 s/);
  });
});
