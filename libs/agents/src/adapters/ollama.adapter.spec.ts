import {
  chatMessagesWirePrompt,
  describeAdapterConformance,
  CONFORMANCE_RETRY,
} from '../testing/adapter-conformance';
import { makeAgentCall, makeComposedPrompt } from '../testing/agent-task.fixture';
import { FakeOllamaServer } from '../testing/fake-ollama-server';
import { OllamaAdapter } from './ollama.adapter';

const MODEL = 'llama3.2';
const TOKEN = 'proxy-token';
const create = (server: FakeOllamaServer, credentials: 'right' | 'wrong' = 'right') =>
  new OllamaAdapter({
    host: server.url,
    headers: credentials === 'right' ? { Authorization: `Bearer ${TOKEN}` } : {},
    retry: CONFORMANCE_RETRY,
  });

// The ollama client console.warns every line it cannot parse; the malformed-body case has some.
beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));

describeAdapterConformance({
  backend: 'ollama',
  model: MODEL,
  // Behind an authenticating proxy, so the bad-credentials case has something to refuse.
  createServer: () => new FakeOllamaServer(TOKEN),
  createAdapter: (server, { credentials }) => create(server, credentials),
  authHint: /OLLAMA_HOST/,
  reportsCachedTokens: false,
  // usage comes only with the last frame: a cut stream reported none
  usageBeforeCut: { tokensIn: 0, tokensOut: 0 },
  wirePrompt: chatMessagesWirePrompt,
});

describe('OllamaAdapter', () => {
  let server: FakeOllamaServer;
  beforeEach(async () => {
    server = await new FakeOllamaServer(TOKEN).start();
  });
  afterEach(() => server.close());

  it('posts a streamed chat with the system text first and costs nothing', async () => {
    const prompt = makeComposedPrompt();
    server.enqueue({ kind: 'stream', chunks: ['hi'], usage: { input: 900, output: 300 } });
    const result = await create(server).complete(makeAgentCall({ model: MODEL, prompt }));
    const body = server.bodyOf(0);
    expect(body).toMatchObject({ model: MODEL, stream: true });
    expect(body['messages']).toEqual([
      { role: 'system', content: `${prompt.stablePrefix}\n\n${prompt.persona}` },
      { role: 'user', content: prompt.user },
    ]);
    expect(result).toMatchObject({
      tokensIn: 900,
      tokensOut: 300,
      cachedTokensIn: 0,
      costUsd: 0,
      error: null,
    });
  });

  it('says OLLAMA_HOST is unreachable when nothing listens there', async () => {
    const url = server.url;
    await server.close();
    const adapter = new OllamaAdapter({
      host: url,
      retry: { ...CONFORMANCE_RETRY, maxAttempts: 2 },
    });
    const result = await adapter.complete(makeAgentCall({ model: MODEL }));
    expect(result.error).toContain('ollama backend: connection failed');
    expect(result.error).toContain(`Ollama is unreachable at ${url}: set OLLAMA_HOST`);
    expect(result.error).toContain('Gave up after 2 attempts');
  });
});
