import { InMemorySessionStore } from './in-memory-session-store';

describe('InMemorySessionStore', () => {
  it('returns an empty history for an unknown key and keeps sessions apart', async () => {
    const store = new InMemorySessionStore();
    await store.append('a', [{ role: 'user', content: 'hi' }]);
    expect(await store.load('b')).toEqual([]);
    expect(await store.load('a')).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('appends in order', async () => {
    const store = new InMemorySessionStore();
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
    const store = new InMemorySessionStore();
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

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = new InMemorySessionStore();
    await store.append('s', [{ role: 'user', content: 'original' }]);
    const loaded = await store.load('s');
    (loaded[0] as { content: string }).content = 'changed';
    loaded.push({ role: 'assistant', content: 'extra' });
    expect(await store.load('s')).toEqual([{ role: 'user', content: 'original' }]);
  });
});
