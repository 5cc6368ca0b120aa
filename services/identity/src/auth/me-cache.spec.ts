import type { MeResponse } from '@postmagiq/contracts';
import { ME_CACHE_TTL_MS, MeCache } from './me-cache';

const answer = (name: string) =>
  ({
    user: { name },
    workspace: { name: `${name}'s` },
    workspaceRole: 'owner',
    scopes: [],
  }) as unknown as MeResponse;

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((ok) => (resolve = ok));
  return { promise, resolve };
}

describe('MeCache', () => {
  let now: number;
  let cache: MeCache;
  beforeEach(() => {
    now = 1_000_000;
    cache = new MeCache();
    cache.now = () => now;
  });

  it('answers from the cache for 5 s, then loads again', async () => {
    const load = jest.fn(async () => answer('a'));
    await cache.getOrLoad('u', 'w', load);
    now += ME_CACHE_TTL_MS - 1;
    await cache.getOrLoad('u', 'w', load);
    expect(load).toHaveBeenCalledTimes(1);
    now += 1;
    await cache.getOrLoad('u', 'w', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent misses, and does not cache failures', async () => {
    const d = deferred<MeResponse>();
    const load = jest.fn(() => d.promise);
    const all = Promise.all([1, 2, 3].map(() => cache.getOrLoad('u', 'w', load)));
    d.resolve(answer('a'));
    expect(await all).toEqual([answer('a'), answer('a'), answer('a')]);
    expect(load).toHaveBeenCalledTimes(1);

    const failing = jest.fn(async (): Promise<MeResponse> => {
      throw new Error('membership no longer exists');
    });
    await expect(cache.getOrLoad('u', 'other', failing)).rejects.toThrow('membership');
    await expect(cache.getOrLoad('u', 'other', failing)).rejects.toThrow('membership');
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('forgets a user or a workspace at once, including a load under way when the change happened', async () => {
    await cache.getOrLoad('u', 'w', async () => answer('old'));
    cache.forgetUser('u');
    const stale = deferred<MeResponse>();
    const inFlight = cache.getOrLoad('u', 'w', () => stale.promise);
    cache.forgetWorkspace('w'); // e.g. renamed while the read above was under way
    stale.resolve(answer('old'));
    expect(await inFlight).toEqual(answer('old')); // its caller gets what it read…
    // …but it is not cached, and later callers do not join it
    expect(await cache.getOrLoad('u', 'w', async () => answer('new'))).toEqual(answer('new'));
    expect(cache.get('u', 'w')).toEqual(answer('new'));
  });
});
