import { priceUsage } from '../pricing/pricing';
import { describeAdapterConformance, CONFORMANCE_RETRY } from '../testing/adapter-conformance';
import { makeAgentCall, makeAgentTask, makeComposedPrompt } from '../testing/agent-task.fixture';
import { FakeAnthropicServer } from '../testing/fake-anthropic-server';
import { ClaudeAdapter } from './claude.adapter';

const MODEL = 'claude-sonnet-5-5';
const create = (server: FakeAnthropicServer, credentials: 'right' | 'wrong' = 'right') =>
  new ClaudeAdapter({
    apiKey: credentials === 'right' ? (server.apiKey ?? '') : 'wrong-anthropic-test-key',
    baseURL: server.url,
    retry: CONFORMANCE_RETRY,
  });

describeAdapterConformance({
  backend: 'claude',
  model: MODEL,
  createServer: () => new FakeAnthropicServer(),
  createAdapter: (server, { credentials }) => create(server, credentials),
  authHint: /ANTHROPIC_API_KEY/,
  serverErrorStatus: 529,
  // message_start reports the input and a first output count; the rest comes in message_delta
  usageBeforeCut: { tokensIn: 120, tokensOut: 1 },
  wirePrompt: ({ body }) => {
    const b = body as {
      model: string;
      system: { text: string }[];
      messages: { role: string; content: string }[];
    };
    return { model: b.model, system: b.system.map((s) => s.text), turns: b.messages };
  },
});

describe('ClaudeAdapter', () => {
  let server: FakeAnthropicServer;
  beforeEach(async () => {
    server = await new FakeAnthropicServer().start();
  });
  afterEach(() => server.close());

  it('sends the stable prefix as a cached system block and the persona uncached', async () => {
    const prompt = makeComposedPrompt();
    await create(server).complete(makeAgentCall({ model: MODEL, prompt }));
    const body = server.bodyOf(0);
    expect(body).toMatchObject({ model: MODEL, stream: true });
    expect(body['system']).toEqual([
      { type: 'text', text: prompt.stablePrefix, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: prompt.persona },
    ]);
    expect(body['messages']).toEqual([{ role: 'user', content: prompt.user }]);
  });

  it('continues a persisted session with its history before the new turn', async () => {
    const history = [
      { role: 'user' as const, content: 'first brief' },
      { role: 'assistant' as const, content: 'first answer' },
    ];
    const task = makeAgentTask({ sessionKey: 'run-0001:synthesize:orchestrator' });
    const result = await create(server).complete(makeAgentCall({ model: MODEL, task, history }));
    const body = server.bodyOf(0);
    expect(body.messages).toEqual([
      ...history,
      { role: 'user', content: makeComposedPrompt().user },
    ]);
    expect(result.sessionId).toBe('run-0001:synthesize:orchestrator');
  });

  it('prices cache reads and cache writes at their own rates', async () => {
    server.enqueue({
      kind: 'stream',
      chunks: ['ok'],
      usage: { input: 10_000, output: 500, cachedInput: 6_000, cacheWrite: 3_000 },
    });
    const result = await create(server).complete(makeAgentCall({ model: MODEL }));
    expect(result).toMatchObject({ tokensIn: 10_000, cachedTokensIn: 6_000, tokensOut: 500 });
    // claude-sonnet-5-5: $2 input, $2.50 5-minute cache write, $0.10 cache read, $10 output per MTok.
    const expected = (1_000 * 2 + 3_000 * 2.5 + 6_000 * 0.1 + 500 * 10) / 1_000_000;
    expect(result.costUsd).toBeCloseTo(expected, 10);
    expect(result.costUsd).toBe(
      priceUsage('claude', MODEL, {
        tokensIn: 10_000,
        tokensOut: 500,
        cachedTokensIn: 6_000,
        cacheWriteTokensIn: 3_000,
      }),
    );
  });

  it('retries 529 overloaded', async () => {
    server.enqueue(
      { kind: 'error', status: 529, message: 'Overloaded' },
      { kind: 'stream', chunks: ['fine'] },
    );
    const result = await create(server).complete(makeAgentCall({ model: MODEL }));
    expect(result).toMatchObject({ content: 'fine', error: null });
  });
});
