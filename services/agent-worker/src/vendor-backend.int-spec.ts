import type { INestApplication } from '@nestjs/common';
import { AgentJobResultSchema, type AgentJobResult } from '@postmagiq/contracts';
import { CLAUDE_DEFAULT_MODEL } from '@postmagiq/agents';
import { FakeAnthropicServer } from '@postmagiq/agents/testing';
import { RedisService } from '@postmagiq/platform';
import { createHash, randomUUID } from 'node:crypto';
import { bootWorker } from './bootstrap-worker';
import { RedisSessionStore } from './sessions/redis-session-store';
import {
  collectTokens,
  makeAgentJob,
  startHarness,
  usageEventsFor,
  waitForUsage,
  type Harness,
} from './testing/worker-harness';
import { waitFor } from '@postmagiq/platform/testing';

jest.setTimeout(60_000);

/**
 * The prompt hash recomputed from the Messages API body the fake received: sha256 of
 * `{model, system, turns}` as JSON, the canonical form `hashSentPrompt` documents.
 */
function hashOfRequest(body: Record<string, unknown>): string {
  const system = (body['system'] as { text: string }[]).map((block) => block.text);
  const turns = (body['messages'] as { role: string; content: string }[]).map((m) => ({
    role: m.role,
    content: m.content,
  }));
  return createHash('sha256')
    .update(JSON.stringify({ model: body['model'], system, turns }))
    .digest('hex');
}

describe('agent worker on agents.claude against a fake Anthropic API (real SDK, Redis, NATS)', () => {
  let h: Harness;
  let app: INestApplication;
  let anthropic: FakeAnthropicServer;

  beforeAll(async () => {
    anthropic = await new FakeAnthropicServer('anthropic-test-key').start();
    h = await startHarness();
    ({ app } = await bootWorker({
      REDIS_URL: h.redisUrl,
      NATS_URL: h.natsUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'fatal',
      AGENT_BACKEND: 'claude',
      AGENT_CONCURRENCY: '4',
      AGENT_RATE_MAX: '2',
      AGENT_RATE_DURATION_MS: '1000',
      ANTHROPIC_API_KEY: 'anthropic-test-key',
      ANTHROPIC_BASE_URL: anthropic.url,
      // ignored by a claude pool: it reads only its own backend's variables
      OPENAI_BASE_URL: 'not a url',
    }));
  });

  afterAll(async () => {
    await app?.close();
    await h?.stop();
    await anthropic?.close();
  });

  async function run(job = makeAgentJob({ backend: 'claude' })): Promise<AgentJobResult> {
    const added = await h.queue('claude').add('call', job, { jobId: job.callId, attempts: 3 });
    return AgentJobResultSchema.parse(
      await added.waitUntilFinished(await h.events('claude'), 30_000),
    );
  }

  it('calls the vendor through its SDK, streams its tokens and meters the call once', async () => {
    anthropic.enqueue({
      kind: 'stream',
      chunks: ['Slow is', ' smooth,', ' smooth is fast.'],
      usage: { input: 2000, output: 12, cachedInput: 1500 },
    });
    const job = makeAgentJob({ backend: 'claude' });
    const tokens = collectTokens(h.nc, job.task.runId);
    const result = await run(job);
    expect(result).toMatchObject({
      callId: job.callId,
      backend: 'claude',
      model: CLAUDE_DEFAULT_MODEL,
      content: 'Slow is smooth, smooth is fast.',
      tokensIn: 2000,
      tokensOut: 12,
      cachedTokensIn: 1500,
      simulated: false,
      error: null,
    });
    expect(result.costUsd).toBeGreaterThan(0);
    const body = anthropic.bodyOf();
    expect(body['stream']).toBe(true);
    // the stable prefix goes as a cacheable system block
    expect(JSON.stringify(body['system'])).toContain('"cache_control":{"type":"ephemeral"}');
    // the result's hash is the hash of exactly what the vendor got
    expect(result.promptHash).toBe(hashOfRequest(body));
    await h.nc.flush();
    const streamed = () => tokens.chunks.map((c) => c.text).join('');
    await waitFor(() => streamed() === result.content, 5000, 'the whole text as tokens');
    tokens.stop();
    // in order, numbered from 0; frames read in the same turn of the event loop share a chunk
    expect(tokens.chunks.map((c) => c.index)).toEqual(tokens.chunks.map((_, i) => i));
    const usage = await waitForUsage(h.nc, job.callId);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      backend: 'claude',
      tokensIn: 2000,
      cachedTokensIn: 1500,
      costUsd: result.costUsd,
      failed: false,
    });
  });

  it('records the hash of what was sent, the history of a continued session included', async () => {
    const store = new RedisSessionStore(app.get(RedisService).client);
    // Two orchestrator-task calls with the same new user turn, continuing different sessions.
    const histories = [
      ['Combine the drafts.', 'A first synthesis.'],
      ['Combine the drafts, shorter.', 'A shorter synthesis.'],
    ];
    const sent: { hash: string; body: Record<string, unknown> }[] = [];
    for (const [index, [brief, answer]] of histories.entries()) {
      const runId = randomUUID();
      const sessionKey = `${runId}:synthesize:synthesizer`;
      await store.append(sessionKey, [
        { role: 'user', content: brief ?? '', callId: `${runId}:synthesize:1:synthesizer` },
        { role: 'assistant', content: answer ?? '', callId: `${runId}:synthesize:1:synthesizer` },
      ]);
      const job = makeAgentJob({
        backend: 'claude',
        seq: 7,
        task: {
          runId,
          state: 'synthesize',
          stateType: 'orchestrator-task',
          visit: 2,
          agent: {
            name: 'synthesizer',
            backend: 'claude',
            persona: 'synthesizer',
            sessionPersist: true,
          },
          drafts: ['One draft about the Friday deploy.'],
          sessionKey,
        },
      });
      const before = anthropic.requests.length;
      const result = await run(job);
      expect(result.error).toBeNull();
      expect(anthropic.requests.length - before).toBe(1);
      sent.push({ hash: result.promptHash, body: anthropic.bodyOf() });
      expect((sent[index]?.body['messages'] as unknown[]).length).toBe(3);
    }
    const [a, b] = sent as [(typeof sent)[0], (typeof sent)[0]];
    // the same system blocks and new user turn: only the history differs
    expect(a.body['system']).toEqual(b.body['system']);
    expect((a.body['messages'] as unknown[]).at(-1)).toEqual(
      (b.body['messages'] as unknown[]).at(-1),
    );
    expect(a.hash).not.toBe(b.hash);
    expect(a.hash).toBe(hashOfRequest(a.body));
    expect(b.hash).toBe(hashOfRequest(b.body));
  });

  it('lets the adapter retry a vendor 429, and meters the call once', async () => {
    const before = anthropic.requests.length;
    anthropic.enqueue(
      { kind: 'error', status: 429, retryAfterSeconds: 0 },
      { kind: 'stream', chunks: ['ok'] },
    );
    const job = makeAgentJob({ backend: 'claude' });
    const result = await run(job);
    expect(result).toMatchObject({ content: 'ok', error: null });
    expect(anthropic.requests.length - before).toBe(2);
    expect(await usageEventsFor(h.nc, job.callId)).toHaveLength(1);
  });

  it('retries a stream that breaks mid-way, numbering the attempt in its tokens, metered once', async () => {
    const before = anthropic.requests.length;
    anthropic.enqueue(
      { kind: 'drop', chunks: ['Fast is', ' slow'] },
      {
        kind: 'stream',
        chunks: ['Slow is', ' smooth,', ' smooth is fast.'],
        usage: { input: 2000, output: 12 },
      },
    );
    const job = makeAgentJob({ backend: 'claude' });
    const tokens = collectTokens(h.nc, job.task.runId);
    const result = await run(job);
    expect(result).toMatchObject({ content: 'Slow is smooth, smooth is fast.', error: null });
    expect(anthropic.requests.length - before).toBe(2);

    // A live client following the documented rule: a higher attempt voids the text it holds.
    const shown = () => {
      let attempt = 1;
      let text = '';
      for (const chunk of tokens.chunks) {
        if ((chunk.attempt ?? 1) > attempt) [attempt, text] = [chunk.attempt ?? 1, ''];
        text += chunk.text;
      }
      return text;
    };
    await h.nc.flush();
    await waitFor(() => shown() === result.content, 5000, 'the retried text as tokens');
    tokens.stop();
    const first = tokens.chunks.filter((c) => c.attempt === undefined);
    const second = tokens.chunks.filter((c) => c.attempt === 2);
    expect(first.map((c) => c.text).join('')).toBe('Fast is slow');
    expect(second.map((c) => c.text).join('')).toBe(result.content);
    expect(first.length + second.length).toBe(tokens.chunks.length);
    // the broken attempt's chunks all come first, and the index keeps counting across attempts
    expect(tokens.chunks.map((c) => c.attempt ?? 1)).toEqual([
      ...first.map(() => 1),
      ...second.map(() => 2),
    ]);
    expect(tokens.chunks.map((c) => c.index)).toEqual(tokens.chunks.map((_, i) => i));

    // one usage event: both attempts as the vendor reported them (the broken one's message_start
    // said 120 tokens in and 1 out; its final output count never came)
    const usage = await waitForUsage(h.nc, job.callId);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ tokensIn: 2120, tokensOut: 13, failed: false });
    expect(result).toMatchObject({ tokensIn: 2120, tokensOut: 13 });
  });

  it('completes a call the vendor refuses with its message in the result, metered as failed', async () => {
    anthropic.enqueue({ kind: 'error', status: 400, message: 'prompt is too long' });
    const job = makeAgentJob({ backend: 'claude' });
    const result = await run(job);
    expect(result.error).toContain('prompt is too long');
    const usage = await waitForUsage(h.nc, job.callId);
    expect(usage).toEqual([expect.objectContaining({ failed: true, backend: 'claude' })]);
  });

  it('refuses, without retry, a call meant for another vendor', async () => {
    const job = makeAgentJob({ backend: 'gemini' });
    const added = await h.queue('claude').add('call', job, { jobId: job.callId, attempts: 4 });
    await expect(added.waitUntilFinished(await h.events('claude'), 10_000)).rejects.toThrow(
      /wants backend gemini, but this job is on agents\.claude/,
    );
    expect((await h.queue('claude').getJob(job.callId))?.attemptsMade).toBe(1);
  });

  it('holds the pool to its rate limit (2 calls per second here)', async () => {
    const jobs = Array.from({ length: 7 }, () => makeAgentJob({ backend: 'claude' }));
    await Promise.all(jobs.map((j) => run(j)));
    const started = await Promise.all(
      jobs.map(async (j) => (await h.queue('claude').getJob(j.callId))?.processedOn ?? 0),
    );
    const spread = Math.max(...started) - Math.min(...started);
    // seven calls at two per second span at least three window boundaries after the first call's
    // window, whatever part of that window earlier tests used: at least two full windows apart
    expect(spread).toBeGreaterThanOrEqual(1900);
  });
});
