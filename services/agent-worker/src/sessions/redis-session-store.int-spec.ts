import { InMemorySessionStore, type SessionStore } from '@postmagiq/agents';
import { startRedis, type Managed } from '@postmagiq/platform/testing';
import { Redis } from 'ioredis';
import { RedisSessionStore } from './redis-session-store';

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

// The Redis store must behave exactly like the in-memory one the engine was built against.
describe.each<[string, () => SessionStore]>([
  ['InMemorySessionStore', () => new InMemorySessionStore()],
  ['RedisSessionStore', () => new RedisSessionStore(client, { prefix: `test-${++n}:` })],
])('%s', (_name, makeStore) => {
  it('returns an empty history for an unknown key and keeps sessions apart', async () => {
    const store = makeStore();
    await store.append('a', [{ role: 'user', content: 'hi' }]);
    expect(await store.load('b')).toEqual([]);
    expect(await store.load('a')).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('appends in order', async () => {
    const store = makeStore();
    await store.append('s', [
      { role: 'user', content: '1', callId: 'c1' },
      { role: 'assistant', content: '2', callId: 'c1' },
    ]);
    await store.append('s', [
      { role: 'user', content: '3', callId: 'c2' },
      { role: 'assistant', content: '4', callId: 'c2' },
    ]);
    expect((await store.load('s')).map((t) => t.content)).toEqual(['1', '2', '3', '4']);
  });

  it('replaces the turns of a redelivered call where they stand instead of duplicating them', async () => {
    const store = makeStore();
    await store.append('s', [
      { role: 'user', content: 'q1', callId: 'c1' },
      { role: 'assistant', content: 'a1', callId: 'c1' },
    ]);
    await store.append('s', [
      { role: 'user', content: 'q2', callId: 'c2' },
      { role: 'assistant', content: 'a2', callId: 'c2' },
    ]);
    await store.append('s', [
      { role: 'user', content: 'q1', callId: 'c1' },
      { role: 'assistant', content: 'a1 again', callId: 'c1' },
    ]);
    expect((await store.load('s')).map((t) => t.content)).toEqual(['q1', 'a1 again', 'q2', 'a2']);
  });

  it('replaces a redelivered last call at the end', async () => {
    const store = makeStore();
    await store.append('s', [{ role: 'user', content: 'q1', callId: 'c1' }]);
    await store.append('s', [{ role: 'user', content: 'q2', callId: 'c2' }]);
    await store.append('s', [{ role: 'user', content: 'q2 again', callId: 'c2' }]);
    expect(await store.load('s')).toEqual([
      { role: 'user', content: 'q1', callId: 'c1' },
      { role: 'user', content: 'q2 again', callId: 'c2' },
    ]);
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = makeStore();
    await store.append('s', [{ role: 'user', content: 'original' }]);
    const loaded = await store.load('s');
    (loaded[0] as { content: string }).content = 'changed';
    loaded.push({ role: 'assistant', content: 'extra' });
    expect(await store.load('s')).toEqual([{ role: 'user', content: 'original' }]);
  });

  it('keeps text exactly, whatever it contains', async () => {
    const store = makeStore();
    const content =
      'Ünïcode “quotes”, emoji 🚀, a slash /, a NUL \u0000, newlines\n\nand {"json": [1]}';
    await store.append('s', [{ role: 'assistant', content, callId: 'c/1' }]);
    await store.append('s', [{ role: 'assistant', content: content + '!', callId: 'c/1' }]);
    expect(await store.load('s')).toEqual([
      { role: 'assistant', content: content + '!', callId: 'c/1' },
    ]);
  });

  it('loses nothing when several calls append at once', async () => {
    const store = makeStore();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.append('s', [
          { role: 'user', content: `q${i}`, callId: `c${i}` },
          { role: 'assistant', content: `a${i}`, callId: `c${i}` },
        ]),
      ),
    );
    // and the same twenty delivered again, concurrently: still one exchange each
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.append('s', [
          { role: 'user', content: `q${i}`, callId: `c${i}` },
          { role: 'assistant', content: `a${i}!`, callId: `c${i}` },
        ]),
      ),
    );
    const turns = await store.load('s');
    expect(turns).toHaveLength(40);
    for (let i = 0; i < 20; i++) {
      const at = turns.findIndex((t) => t.callId === `c${i}`);
      expect(turns.slice(at, at + 2).map((t) => t.content)).toEqual([`q${i}`, `a${i}!`]);
    }
  });
});

describe('RedisSessionStore in Redis', () => {
  it('expires a session after its TTL from the last append', async () => {
    const store = new RedisSessionStore(client, { prefix: 'ttl:', ttlSeconds: 600 });
    await store.append('s', [{ role: 'user', content: 'x', callId: 'c1' }]);
    const ttl = await client.ttl('ttl:s');
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('keeps appending after Redis forgot its script (SCRIPT FLUSH): sent by SHA, in full once again', async () => {
    const store = new RedisSessionStore(client, { prefix: 'flush:' });
    await store.append('s', [
      { role: 'user', content: 'q1', callId: 'c1' },
      { role: 'assistant', content: 'a1', callId: 'c1' },
    ]); // loaded on this connection
    await client.config('RESETSTAT');
    await store.append('s', [{ role: 'user', content: 'q2', callId: 'c2' }]);
    await client.script('FLUSH');
    await store.append('s', [{ role: 'user', content: 'q2 again', callId: 'c2' }]);
    expect((await store.load('s')).map((t) => t.content)).toEqual(['q1', 'a1', 'q2 again']);
    const stats = await client.info('commandstats');
    const calls = (command: string) =>
      Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
    expect(calls('evalsha')).toBe(2); // the one answered NOSCRIPT included
    expect(calls('eval')).toBe(1); // after the NOSCRIPT only
  });

  it('refuses to hand out a malformed stored turn', async () => {
    await client.rpush('bad:s', JSON.stringify({ role: 'system', content: 'x' }));
    await expect(new RedisSessionStore(client, { prefix: 'bad:' }).load('s')).rejects.toThrow(
      /malformed turn/,
    );
  });
});
