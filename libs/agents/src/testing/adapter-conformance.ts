import type { AgentBackend } from '@postmagiq/contracts';
import { createHash } from 'node:crypto';
import type { BackendAdapter } from '../core/backend-adapter';
import type { RetryPolicy } from '../retry/retry-policy';
import { makeAgentCall, makeComposedPrompt } from './agent-task.fixture';
import type { FakeUsage, FakeVendorServer, RecordedRequest } from './fake-vendor-server';

/** A prompt as read off a request the fake received, the vendor's way. */
export interface WirePrompt {
  model: string;
  /** System text blocks in order. */
  system: string[];
  /** Turns in order, with our role names (`user`, `assistant`). */
  turns: { role: string; content: string }[];
}

/** The wire prompt of a chat-messages request (OpenAI and Ollama): system messages, then the turns. */
export function chatMessagesWirePrompt({ body }: RecordedRequest): WirePrompt {
  const b = body as { model: string; messages: { role: string; content: string }[] };
  return {
    model: b.model,
    system: b.messages.filter((m) => m.role === 'system').map((m) => m.content),
    turns: b.messages.filter((m) => m.role !== 'system'),
  };
}

/**
 * The prompt hash recomputed from what the vendor received, independently of the adapter's code:
 * sha256 of `{model, system, turns}` as JSON (the canonical form `hashSentPrompt` documents).
 */
export function wirePromptHash(prompt: WirePrompt): string {
  const canonical = JSON.stringify({
    model: prompt.model,
    system: prompt.system,
    turns: prompt.turns.map((t) => ({ role: t.role, content: t.content })),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export interface AdapterConformanceSpec<S extends FakeVendorServer> {
  backend: AgentBackend;
  model: string;
  createServer: () => S;
  /** An adapter pointed at the fake; `credentials: 'wrong'` must make the fake refuse it. */
  createAdapter: (
    server: S,
    opts: { credentials: 'right' | 'wrong'; retry: Partial<RetryPolicy> },
  ) => BackendAdapter;
  /** What an operator is told to fix on an auth failure (the env var). */
  authHint: RegExp;
  /** The vendor's status for a server failure the fake should send (500 unless told). */
  serverErrorStatus?: number;
  /** False for vendors whose wire format has no cached-token count (Ollama). */
  reportsCachedTokens?: boolean;
  /**
   * Usage the vendor had reported when its stream was cut mid-way (the fakes cut before the
   * closing frames): zero where usage only comes at the end of a stream.
   */
  usageBeforeCut: { tokensIn: number; tokensOut: number };
  /** Reads the prompt off a request the fake received (model, system blocks, turns). */
  wirePrompt: (request: RecordedRequest) => WirePrompt;
}

/** Fast but real: tiny backoff, a short idle timeout so hung servers are detected quickly. */
export const CONFORMANCE_RETRY: Partial<RetryPolicy> = {
  maxAttempts: 3,
  baseDelayMs: 5,
  maxDelayMs: 20,
  idleTimeoutMs: 1_000,
};

/**
 * The behaviour every adapter owes the platform, exercised through its real SDK against a fake
 * vendor server. A new backend passes this suite before anything else.
 */
export function describeAdapterConformance<S extends FakeVendorServer>(
  spec: AdapterConformanceSpec<S>,
): void {
  describe(`${spec.backend} adapter conformance`, () => {
    let server: S;
    let adapter: BackendAdapter;
    const call = () => makeAgentCall({ model: spec.model });

    beforeEach(async () => {
      server = await spec.createServer().start();
      adapter = spec.createAdapter(server, { credentials: 'right', retry: CONFORMANCE_RETRY });
    });
    afterEach(() => server.close());

    it('streams tokens in order through onToken and aggregates them', async () => {
      server.enqueue({
        kind: 'stream',
        chunks: ['Slow', ' is', ' smooth', ', smooth', ' is', ' fast.'],
      });
      const tokens: string[] = [];
      const result = await adapter.complete(call(), { onToken: (t) => tokens.push(t) });
      expect(result.error).toBeNull();
      expect(tokens).toEqual(['Slow', ' is', ' smooth', ', smooth', ' is', ' fast.']);
      expect(result).toMatchObject({
        backend: spec.backend,
        model: spec.model,
        content: 'Slow is smooth, smooth is fast.',
        simulated: false,
      });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect(server.requests).toHaveLength(1);
    });

    it('reports the hash of exactly the prompt the vendor received, history turns included', async () => {
      const prompt = makeComposedPrompt();
      const histories = [
        [],
        [
          { role: 'user' as const, content: 'earlier brief' },
          { role: 'assistant' as const, content: 'earlier answer' },
        ],
      ];
      const hashes: string[] = [];
      for (const history of histories) {
        const result = await adapter.complete(
          makeAgentCall({ model: spec.model, prompt, history }),
          {
            onPromptHash: (hash) => hashes.push(hash),
          },
        );
        expect(result.error).toBeNull();
      }
      // the same new user turn after different history is a different prompt
      expect(hashes[0]).not.toBe(hashes[1]);
      expect(hashes).toEqual(server.requests.map((r) => wirePromptHash(spec.wirePrompt(r))));
      expect(spec.wirePrompt(server.requests[1] as RecordedRequest).turns).toHaveLength(3);
    });

    it('reports tokens in, out and cached as the vendor counted them', async () => {
      const usage: FakeUsage = { input: 4_000, output: 350, cachedInput: 3_000 };
      server.enqueue({ kind: 'stream', chunks: ['ok'], usage });
      const result = await adapter.complete(call());
      const cachedTokensIn = spec.reportsCachedTokens === false ? 0 : 3_000;
      expect(result).toMatchObject({
        tokensIn: 4_000,
        tokensOut: 350,
        cachedTokensIn,
        error: null,
      });
    });

    it('retries a 429 after the wait the vendor asked for and returns one result', async () => {
      server.enqueue(
        { kind: 'error', status: 429, message: 'slow down', retryAfterSeconds: 1 },
        { kind: 'stream', chunks: ['after', ' the', ' wait'] },
      );
      const tokens: string[] = [];
      const result = await adapter.complete(call(), { onToken: (t) => tokens.push(t) });
      expect(result).toMatchObject({ content: 'after the wait', error: null });
      expect(tokens.join('')).toBe('after the wait');
      expect(server.requests).toHaveLength(2);
      expect(server.gapMs(0, 1)).toBeGreaterThanOrEqual(950);
    });

    it('retries server errors, then fails with a message naming the backend and the vendor', async () => {
      const status = spec.serverErrorStatus ?? 500;
      for (let i = 0; i < 3; i++)
        server.enqueue({ kind: 'error', status, message: 'upstream exploded' });
      const result = await adapter.complete(call());
      expect(server.requests).toHaveLength(3);
      expect(result.error).toContain(`${spec.backend} backend`);
      expect(result.error).toContain(`HTTP ${status}`);
      expect(result.error).toContain('upstream exploded');
      expect(result.error).toContain('Gave up after 3 attempts');
      expect(result.content).toBe('');
    });

    it('fails clearly on a malformed body, without crashing or retrying', async () => {
      server.enqueue({ kind: 'malformed' });
      const result = await adapter.complete(call());
      expect(result.error).toMatch(new RegExp(`^${spec.backend} backend: malformed response`));
      expect(server.requests).toHaveLength(1);
    });

    it('fails at once on bad credentials and says what to set', async () => {
      const wrong = spec.createAdapter(server, { credentials: 'wrong', retry: CONFORMANCE_RETRY });
      const result = await wrong.complete(call());
      expect(result.error).toMatch(/authentication failed/);
      expect(result.error).toMatch(spec.authHint);
      expect(server.requests).toHaveLength(1);
    });

    it('fails other 4xx at once', async () => {
      server.enqueue({ kind: 'error', status: 404, message: 'no such model' });
      const result = await adapter.complete(call());
      expect(result.error).toMatch(/request rejected \(HTTP 404\).*no such model/);
      expect(server.requests).toHaveLength(1);
    });

    it('retries a connection reset', async () => {
      server.enqueue({ kind: 'reset' }, { kind: 'stream', chunks: ['reconnected'] });
      const result = await adapter.complete(call());
      expect(result).toMatchObject({ content: 'reconnected', error: null });
      expect(server.requests).toHaveLength(2);
    });

    it('retries a hung request after the idle timeout', async () => {
      server.enqueue({ kind: 'hang' }, { kind: 'stream', chunks: ['woke', ' up'] });
      const result = await adapter.complete(call());
      expect(result).toMatchObject({ content: 'woke up', error: null });
      expect(server.requests).toHaveLength(2);
    });

    it('retries a stream cut mid-way, numbering the new attempt in its tokens', async () => {
      server.enqueue(
        { kind: 'drop', chunks: ['half', ' a', ' post'] },
        { kind: 'stream', chunks: ['a whole', ' post'], usage: { input: 120, output: 8 } },
      );
      const tokens: [string, number][] = [];
      const result = await adapter.complete(call(), {
        onToken: (text, attempt) => tokens.push([text, attempt]),
      });
      expect(result).toMatchObject({ content: 'a whole post', error: null });
      expect(server.requests).toHaveLength(2);
      const first = tokens.filter(([, attempt]) => attempt === 1).map(([text]) => text);
      const second = tokens.filter(([, attempt]) => attempt === 2).map(([text]) => text);
      expect(first.length).toBeGreaterThan(0);
      expect(second.join('')).toBe('a whole post');
      // every token of the broken attempt came before the new attempt's first
      expect(tokens.map(([, attempt]) => attempt)).toEqual([
        ...first.map(() => 1),
        ...second.map(() => 2),
      ]);
      // the broken attempt adds only what the vendor had reported before the cut
      expect(result).toMatchObject({
        tokensIn: 120 + spec.usageBeforeCut.tokensIn,
        tokensOut: 8 + spec.usageBeforeCut.tokensOut,
      });
    });

    it('stops when the caller aborts', async () => {
      server.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      // Abort once the request has reached the vendor (a fixed delay races a busy machine).
      const abortWhenSeen = setInterval(() => {
        if (server.requests.length > 0) controller.abort();
      }, 5);
      const result = await adapter
        .complete(call(), { signal: controller.signal })
        .finally(() => clearInterval(abortWhenSeen));
      expect(result.error).toMatch(/call cancelled/);
      expect(server.requests).toHaveLength(1);
    });
  });
}
