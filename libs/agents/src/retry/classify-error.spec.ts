import { AttemptTimeoutError, CallCancelledError, VendorResponseError } from './call-errors';
import { classifyError } from './classify-error';

const http = (status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${status} failure`), { status, ...extra });

describe('classifyError', () => {
  it.each([
    [429, 'rate_limit', true],
    [500, 'server', true],
    [529, 'server', true],
    [408, 'timeout', true],
    [400, 'client', false],
    [404, 'client', false],
    [409, 'client', false],
    [401, 'auth', false],
    [403, 'auth', false],
  ] as const)('HTTP %i is %s (retryable: %s)', (status, kind, retryable) => {
    expect(classifyError('openai', http(status))).toMatchObject({ kind, retryable, status });
  });

  it('names the environment variable to set on auth failures', () => {
    expect(classifyError('claude', http(401)).message).toMatch(/ANTHROPIC_API_KEY/);
    expect(classifyError('openai', http(403)).message).toMatch(/OPENAI_API_KEY/);
    expect(classifyError('gemini', http(401)).message).toMatch(/GEMINI_API_KEY/);
  });

  it("reads Google's 400 API_KEY_INVALID as an auth failure", () => {
    const err = http(400, {
      errorDetails: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
      ],
    });
    expect(classifyError('gemini', err)).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('reads Retry-After in seconds, milliseconds, HTTP dates and Google RetryInfo', () => {
    expect(
      classifyError('claude', http(429, { headers: new Headers({ 'retry-after': '2' }) }))
        .retryAfterMs,
    ).toBe(2000);
    expect(
      classifyError('openai', http(429, { headers: new Headers({ 'retry-after-ms': '250' }) }))
        .retryAfterMs,
    ).toBe(250);
    const date = new Date(Date.now() + 5_000).toUTCString();
    const fromDate = classifyError(
      'openai',
      http(503, { headers: new Headers({ 'retry-after': date }) }),
    ).retryAfterMs;
    expect(fromDate).toBeGreaterThan(3_000);
    const google = http(429, {
      errorDetails: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
    });
    expect(classifyError('gemini', google).retryAfterMs).toBe(1500);
  });

  it('retries dropped connections found anywhere in the cause chain', () => {
    const reset = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(classifyError('openai', reset)).toMatchObject({ kind: 'connection', retryable: true });
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    const ollama = classifyError('ollama', refused, { host: 'http://127.0.0.1:1' });
    expect(ollama).toMatchObject({ kind: 'connection', retryable: true });
    expect(ollama.message).toMatch(/OLLAMA_HOST/);
    expect(ollama.message).toMatch(/127\.0\.0\.1:1/);
  });

  it('knows our own timeout, cancellation and unusable-response errors', () => {
    expect(classifyError('gemini', new AttemptTimeoutError(10))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    expect(classifyError('gemini', new CallCancelledError())).toMatchObject({
      kind: 'cancelled',
      retryable: false,
    });
    expect(
      classifyError('gemini', new VendorResponseError('blocked: SAFETY', 'refused')),
    ).toMatchObject({ kind: 'refused' });
    expect(classifyError('ollama', new SyntaxError('Unexpected token < in JSON'))).toMatchObject({
      kind: 'malformed',
      retryable: false,
    });
  });

  it("keeps the vendor's message and names the backend", () => {
    const err = http(400, {
      error: { error: { type: 'invalid_request_error', message: 'max_tokens: too large.' } },
    });
    expect(classifyError('claude', err).message).toBe(
      'claude backend: request rejected (HTTP 400): max_tokens: too large.',
    );
  });
});
