import type { AgentJobResult } from '@postmagiq/contracts';
import { startRedis, type Managed } from '@postmagiq/platform/testing';
import { Redis } from 'ioredis';
import { CallResultStore } from './call-result.store';

jest.setTimeout(30_000);

let redis: Managed;
let client: Redis;
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

const result = (callId: string, content = 'the post'): AgentJobResult => ({
  backend: 'simulated',
  model: 'simulated-1',
  content,
  tokensIn: 120,
  tokensOut: 40,
  cachedTokensIn: 0,
  costUsd: 0,
  durationMs: 3,
  sessionId: null,
  error: null,
  simulated: true,
  callId,
  promptHash: 'a'.repeat(64),
});

/** How often Redis ran `command` since the last CONFIG RESETSTAT. */
async function calls(command: 'eval' | 'evalsha'): Promise<number> {
  const info = await client.info('commandstats');
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

describe('CallResultStore in Redis', () => {
  it('keeps the first result of a call and answers it to every later writer', async () => {
    const store = new CallResultStore(client, { prefix: `first-${++n}:` });
    expect(await store.get('c1')).toBeNull();
    const first = await store.putIfAbsent(result('c1'), '2026-01-01T00:00:00.000Z');
    expect(first).toEqual({
      result: result('c1'),
      finishedAt: '2026-01-01T00:00:00.000Z',
      usagePublished: false,
    });
    const second = await store.putIfAbsent(result('c1', 'another'), '2026-01-01T00:00:09.000Z');
    expect(second).toEqual(first);
    await store.markUsagePublished('c1');
    expect(await store.get('c1')).toEqual({ ...first, usagePublished: true });
  });

  it('expires a stored call after its TTL', async () => {
    const prefix = `ttl-${++n}:`;
    const store = new CallResultStore(client, { prefix, ttlSeconds: 600 });
    await store.putIfAbsent(result('c1'), '2026-01-01T00:00:00.000Z');
    const ttl = await client.ttl(`${prefix}c1`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('sends its script by SHA, and in full again after Redis forgot it (SCRIPT FLUSH)', async () => {
    const store = new CallResultStore(client, { prefix: `sha-${++n}:` });
    await store.putIfAbsent(result('c1'), '2026-01-01T00:00:00.000Z'); // loaded on this connection
    await client.config('RESETSTAT');
    await store.putIfAbsent(result('c2'), '2026-01-01T00:00:01.000Z');
    expect(await calls('evalsha')).toBe(1);
    expect(await calls('eval')).toBe(0);

    await client.script('FLUSH');
    const third = await store.putIfAbsent(result('c3'), '2026-01-01T00:00:02.000Z');
    expect(third.result).toEqual(result('c3'));
    // still first writer wins with the reloaded script
    const again = await store.putIfAbsent(result('c1', 'late'), '2026-01-01T00:00:03.000Z');
    expect(again.result).toEqual(result('c1'));
    expect(again.finishedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(await calls('eval')).toBe(1); // sent in full once, after the NOSCRIPT
  });
});
