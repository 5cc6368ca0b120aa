import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmbeddingProvider } from './create-embedding-provider';
import { loadContentConfig } from '../config/content.config';
import {
  GeminiEmbeddingProvider,
  OllamaEmbeddingProvider,
  OpenAIEmbeddingProvider,
} from './remote-embedding.providers';

/**
 * One local server speaking the three vendors' embedding endpoints, so each provider is exercised
 * through its real SDK (request shape, auth header, response parsing) without a network.
 */
describe('remote embedding providers (real SDKs against a local fake)', () => {
  let server: Server;
  let base: string;
  const seen: {
    path: string;
    headers: IncomingMessage['headers'];
    body: Record<string, unknown>;
  }[] = [];
  const vectorFor = (text: string) => [text.length, 1, 0];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        const path = (req.url ?? '').split('?')[0] ?? '';
        seen.push({ path, headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        if (path === '/v1/embeddings') {
          const input = body['input'] as string[];
          res.end(
            JSON.stringify({
              object: 'list',
              model: body['model'],
              data: input
                .map((t, index) => ({ object: 'embedding', index, embedding: vectorFor(t) }))
                .reverse(),
              usage: { prompt_tokens: 3, total_tokens: 3 },
            }),
          );
        } else if (/^\/v1beta\/models\/[^:]+:batchEmbedContents$/.test(path)) {
          const requests = body['requests'] as { content: { parts: { text: string }[] } }[];
          res.end(
            JSON.stringify({
              embeddings: requests.map((r) => ({
                values: vectorFor(r.content.parts[0]?.text ?? ''),
              })),
            }),
          );
        } else if (path === '/api/embed') {
          res.end(
            JSON.stringify({
              model: body['model'],
              embeddings: (body['input'] as string[]).map(vectorFor),
            }),
          );
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  it('OpenAI: asks text-embedding-3 models for 1536 dimensions and restores input order', async () => {
    const p = new OpenAIEmbeddingProvider('sk-test', undefined, `${base}/v1`);
    expect(await p.embed(['ab', 'abcd'])).toEqual([vectorFor('ab'), vectorFor('abcd')]);
    const req = seen.at(-1);
    expect(req?.headers['authorization']).toBe('Bearer sk-test');
    expect(req?.body).toMatchObject({
      model: 'text-embedding-3-small',
      input: ['ab', 'abcd'],
      dimensions: 1536,
    });
  });

  it('Gemini: batches the texts and asks for 1536 output dimensions', async () => {
    const p = new GeminiEmbeddingProvider('AIza-test', undefined, base);
    expect(await p.embed(['xyz'])).toEqual([vectorFor('xyz')]);
    const req = seen.at(-1);
    expect(req?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(req?.headers['x-goog-api-key']).toBe('AIza-test');
    expect(req?.body).toMatchObject({
      requests: [{ model: 'models/gemini-embedding-001', outputDimensionality: 1536 }],
    });
  });

  it('Ollama: posts to /api/embed with the model', async () => {
    const p = new OllamaEmbeddingProvider(base);
    expect(await p.embed(['hello'])).toEqual([vectorFor('hello')]);
    expect(seen.at(-1)?.body).toMatchObject({ model: 'nomic-embed-text', input: ['hello'] });
  });

  it('picks the provider from the environment, offline without keys', () => {
    const pick = (env: NodeJS.ProcessEnv) =>
      createEmbeddingProvider(loadContentConfig(env), 1536).name;
    expect(pick({})).toBe('offline');
    expect(pick({ GEMINI_API_KEY: 'k' })).toBe('gemini');
    expect(pick({ GEMINI_API_KEY: 'k', OPENAI_API_KEY: 'k' })).toBe('openai');
    expect(pick({ OLLAMA_HOST: 'gpu:11434' })).toBe('ollama');
    expect(pick({ OPENAI_API_KEY: 'k', EMBEDDING_PROVIDER: 'offline' })).toBe('offline');
    expect(() => pick({ EMBEDDING_PROVIDER: 'openai' })).toThrow('needs OPENAI_API_KEY');
    expect(() => loadContentConfig({ EMBEDDING_PROVIDER: 'cohere' })).toThrow('EMBEDDING_PROVIDER');
  });
});
