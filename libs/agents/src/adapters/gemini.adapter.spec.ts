import { describeAdapterConformance, CONFORMANCE_RETRY } from '../testing/adapter-conformance';
import { makeAgentCall, makeComposedPrompt } from '../testing/agent-task.fixture';
import { FakeGeminiServer } from '../testing/fake-gemini-server';
import { GeminiAdapter } from './gemini.adapter';

const MODEL = 'gemini-2.5-flash';
const create = (server: FakeGeminiServer, credentials: 'right' | 'wrong' = 'right') =>
  new GeminiAdapter({
    apiKey: credentials === 'right' ? (server.apiKey ?? '') : 'AIza-wrong',
    baseURL: server.url,
    retry: CONFORMANCE_RETRY,
  });

describeAdapterConformance({
  backend: 'gemini',
  model: MODEL,
  createServer: () => new FakeGeminiServer(),
  createAdapter: (server, { credentials }) => create(server, credentials),
  authHint: /GEMINI_API_KEY/,
  serverErrorStatus: 503,
  // cumulative usageMetadata comes with every chunk
  usageBeforeCut: { tokensIn: 120, tokensOut: 2 },
  wirePrompt: ({ url, body }) => {
    const b = body as {
      systemInstruction?: { parts: { text: string }[] };
      contents: { role: string; parts: { text: string }[] }[];
    };
    const text = (parts: { text: string }[]) => parts.map((p) => p.text).join('');
    return {
      model: /\/models\/([^:]+):/.exec(url)?.[1] ?? '',
      system: b.systemInstruction ? [text(b.systemInstruction.parts)] : [],
      turns: b.contents.map((c) => ({
        role: c.role === 'model' ? 'assistant' : c.role,
        content: text(c.parts),
      })),
    };
  },
});

describe('GeminiAdapter', () => {
  let server: FakeGeminiServer;
  beforeEach(async () => {
    server = await new FakeGeminiServer().start();
  });
  afterEach(() => server.close());

  it('calls streamGenerateContent with SSE and the stable prefix leading the system instruction', async () => {
    const prompt = makeComposedPrompt();
    const history = [
      { role: 'user' as const, content: 'earlier brief' },
      { role: 'assistant' as const, content: 'earlier answer' },
    ];
    await create(server).complete(makeAgentCall({ model: MODEL, prompt, history }));
    expect(server.requests[0]?.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    const body = server.bodyOf(0);
    expect(body['systemInstruction']).toEqual({
      role: 'system',
      parts: [{ text: `${prompt.stablePrefix}\n\n${prompt.persona}` }],
    });
    expect(body['contents']).toEqual([
      { role: 'user', parts: [{ text: 'earlier brief' }] },
      { role: 'model', parts: [{ text: 'earlier answer' }] },
      { role: 'user', parts: [{ text: prompt.user }] },
    ]);
  });

  it('prices cachedContentTokenCount at the cached-input rate', async () => {
    server.enqueue({
      kind: 'stream',
      chunks: ['a', 'b'],
      usage: { input: 10_000, output: 800, cachedInput: 8_000 },
    });
    const result = await create(server).complete(makeAgentCall({ model: MODEL }));
    expect(result).toMatchObject({ tokensIn: 10_000, cachedTokensIn: 8_000, tokensOut: 800 });
    // gemini-2.5-flash: $0.30 input, $0.03 cached input, $2.50 output per MTok.
    const expected = (2_000 * 0.3 + 8_000 * 0.03 + 800 * 2.5) / 1_000_000;
    expect(result.costUsd).toBeCloseTo(expected, 10);
  });

  it.each([401, 403])('names GEMINI_API_KEY on an HTTP %i too', async (status) => {
    server.enqueue({
      kind: 'error',
      status,
      message: 'Request had invalid authentication credentials.',
    });
    const result = await create(server).complete(makeAgentCall({ model: MODEL }));
    expect(result.error).toMatch(
      new RegExp(`authentication failed \\(HTTP ${status}\\).*Set GEMINI_API_KEY`),
    );
    expect(server.requests).toHaveLength(1);
  });

  it("treats Google's 400 API_KEY_INVALID and a 403 alike: set GEMINI_API_KEY", async () => {
    server.enqueue({
      kind: 'error',
      status: 403,
      message: "Method doesn't allow unregistered callers.",
    });
    const result = await create(server).complete(makeAgentCall({ model: MODEL }));
    expect(result.error).toMatch(/authentication failed \(HTTP 403\).*Set GEMINI_API_KEY/);
  });
});
