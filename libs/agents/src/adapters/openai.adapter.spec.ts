import {
  chatMessagesWirePrompt,
  describeAdapterConformance,
  CONFORMANCE_RETRY,
} from '../testing/adapter-conformance';
import { makeAgentCall, makeComposedPrompt } from '../testing/agent-task.fixture';
import { FakeOpenAIServer } from '../testing/fake-openai-server';
import { OpenAIAdapter } from './openai.adapter';

const MODEL = 'gpt-5.4-mini';
const create = (server: FakeOpenAIServer, credentials: 'right' | 'wrong' = 'right') =>
  new OpenAIAdapter({
    apiKey: credentials === 'right' ? (server.apiKey ?? '') : 'sk-wrong',
    baseURL: server.baseURL,
    retry: CONFORMANCE_RETRY,
  });

describeAdapterConformance({
  backend: 'openai',
  model: MODEL,
  createServer: () => new FakeOpenAIServer(),
  createAdapter: (server, { credentials }) => create(server, credentials),
  authHint: /OPENAI_API_KEY/,
  // usage comes only with the last frame: a cut stream reported none
  usageBeforeCut: { tokensIn: 0, tokensOut: 0 },
  wirePrompt: chatMessagesWirePrompt,
});

describe('OpenAIAdapter', () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await new FakeOpenAIServer().start();
  });
  afterEach(() => server.close());

  it('streams with include_usage and puts the stable prefix first in the system message', async () => {
    const prompt = makeComposedPrompt();
    await create(server).complete(makeAgentCall({ model: MODEL, prompt }));
    const body = server.bodyOf(0);
    expect(body).toMatchObject({
      model: MODEL,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(body['messages']).toEqual([
      { role: 'system', content: `${prompt.stablePrefix}\n\n${prompt.persona}` },
      { role: 'user', content: prompt.user },
    ]);
  });

  it('prices cached prompt tokens at the cached-input rate', async () => {
    server.enqueue({
      kind: 'stream',
      chunks: ['ok'],
      usage: { input: 20_000, output: 1_000, cachedInput: 16_000 },
    });
    const result = await create(server).complete(makeAgentCall({ model: MODEL }));
    expect(result).toMatchObject({ tokensIn: 20_000, cachedTokensIn: 16_000, tokensOut: 1_000 });
    // gpt-5.4-mini: $0.75 input, $0.075 cached input, $4.50 output per MTok.
    const expected = (4_000 * 0.75 + 16_000 * 0.075 + 1_000 * 4.5) / 1_000_000;
    expect(result.costUsd).toBeCloseTo(expected, 10);
  });
});
