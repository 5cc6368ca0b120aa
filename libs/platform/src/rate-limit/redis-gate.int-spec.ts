import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { freePort, Managed, startRedis } from '../testing/processes';
import { GateCheck, GateResult, RedisGate } from './redis-gate';

/**
 * The gate answers every request of a busy event-loop turn with one script call: each request
 * still gets its own verdict, counted in the order the requests arrived.
 */
describe('RedisGate (real Redis)', () => {
  let redis: Managed;
  let client: Redis;
  let observer: Redis;
  let gate: RedisGate;

  beforeAll(async () => {
    redis = await startRedis();
    // as the platform's shared client is made
    client = new Redis(redis.url, { enableAutoPipelining: true });
    observer = new Redis(redis.url);
    gate = new RedisGate(client);
    // the first call loads the script (EVALSHA answers NOSCRIPT, EVAL follows)
    await gate.check(anonymous(randomUUID(), 10));
  }, 30_000);

  afterAll(async () => {
    client?.disconnect();
    observer?.disconnect();
    await redis?.stop();
  });

  const key = () => `test:${randomUUID()}`;
  function anonymous(ipKey: string, ipLimit: number): GateCheck {
    return { ipKey, ipLimit, windowMs: 60_000 };
  }
  function signedIn(o: {
    ipKey?: string;
    userKey: string;
    limit?: number;
    sessionRevokedKey?: string;
    userRevokedKey?: string;
    issuedAt?: number;
  }): GateCheck {
    return {
      ipKey: o.ipKey ?? key(),
      ipLimit: 1000,
      windowMs: 60_000,
      user: {
        key: o.userKey,
        limit: o.limit ?? 1000,
        sessionRevokedKey: o.sessionRevokedKey ?? key(),
        userRevokedKey: o.userRevokedKey ?? key(),
        issuedAt: o.issuedAt ?? Math.floor(Date.now() / 1000),
      },
    };
  }

  /** How many script calls Redis has run so far (EVALSHA, and EVAL when the script was unknown). */
  async function scriptCalls(): Promise<number> {
    const info = await observer.info('commandstats');
    return [...info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  }

  it('gates the requests of one turn with one script call, each counted in order', async () => {
    const ip = key();
    const before = await scriptCalls();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => gate.check(anonymous(ip, 3))),
    );
    expect(await scriptCalls()).toBe(before + 1);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ip-limited', 'ip-limited']);
    const limited = results[3] as GateResult & { retryAfterSeconds: number };
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(Number(await observer.get(ip))).toBe(5);
    expect(await observer.pttl(ip)).toBeGreaterThan(59_000);
  });

  it('counts a user across addresses and answers per request in a mixed batch', async () => {
    const user = key();
    const other = key();
    const results = await Promise.all([
      gate.check(signedIn({ userKey: user, limit: 2 })),
      gate.check(signedIn({ userKey: other, limit: 2 })),
      gate.check(signedIn({ userKey: user, limit: 2 })),
      gate.check(signedIn({ userKey: user, limit: 2 })),
      gate.check(anonymous(key(), 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'user-limited', 'ok']);
  });

  it('refuses a revoked session, and tokens issued before a user was revoked, among others that pass', async () => {
    const revokedSession = key();
    const revokedUser = key();
    await observer.set(revokedSession, '1');
    await observer.set(revokedUser, '1000');
    const userKey = key();
    const results = await Promise.all([
      gate.check(signedIn({ userKey, sessionRevokedKey: revokedSession })),
      gate.check(signedIn({ userKey, userRevokedKey: revokedUser, issuedAt: 999 })),
      gate.check(signedIn({ userKey, userRevokedKey: revokedUser, issuedAt: 1000 })),
      gate.check(signedIn({ userKey, userRevokedKey: revokedUser, issuedAt: 1001 })),
      gate.check(signedIn({ userKey })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['revoked', 'revoked', 'revoked', 'ok', 'ok']);
    // a revoked request is not counted against the user
    expect(Number(await observer.get(userKey))).toBe(2);
  });

  it(`splits a turn of more than ${RedisGate.MAX_BATCH} requests into bounded script calls`, async () => {
    const ip = key();
    const n = RedisGate.MAX_BATCH * 2 + 5;
    const before = await scriptCalls();
    const results = await Promise.all(
      Array.from({ length: n }, () => gate.check(anonymous(ip, n - 1))),
    );
    expect(await scriptCalls()).toBe(before + 3);
    expect(results.slice(0, n - 1).every((r) => r.status === 'ok')).toBe(true);
    expect(results[n - 1]?.status).toBe('ip-limited');
    expect(Number(await observer.get(ip))).toBe(n);
  });

  it('fails every request of the turn when Redis cannot answer', async () => {
    const nowhere = new Redis({
      port: await freePort(),
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    nowhere.on('error', () => undefined);
    const offline = new RedisGate(nowhere);
    const results = await Promise.allSettled([
      offline.check(anonymous(key(), 1)),
      offline.check(anonymous(key(), 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    nowhere.disconnect();
  });
});
