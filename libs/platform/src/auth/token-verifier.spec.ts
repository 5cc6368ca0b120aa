import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@postmagiq/contracts';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import type { PlatformConfig } from '../config/config';
import { ProblemException } from '../errors/problem';
import type { MetricsService } from '../observability/metrics';
import type { GateInput, RateLimiter } from '../rate-limit/rate-limiter';
import type { GateResult } from '../rate-limit/redis-gate';
import { AccessGuard } from './access.guard';
import { Scopes, WorkspaceRoles } from './decorators';
import type { Principal } from './principal';
import {
  AccessTokenVerifier,
  AccessTokenVerifierProvider,
  InvalidTokenError,
  VERIFIED_TOKEN_MAX_AGE_MS,
  VerifiedTokenCache,
} from './token-verifier';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const principal = (userId = randomUUID()): Principal => ({
  userId,
  role: 'user',
  workspaceId: randomUUID(),
  workspaceRole: 'owner',
  scopes: ['content:read'],
  sessionId: randomUUID(),
  issuedAt: 1,
});

describe('VerifiedTokenCache', () => {
  it('answers until the token expires, then forgets it', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache(10, () => now);
    const p = principal();
    cache.set('t', p, now + 5000);
    expect(cache.get('t')).toEqual(p);
    now += 4999;
    expect(cache.get('t')).toEqual(p);
    now += 1; // now === exp: jose would refuse it too
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not store a token that has already expired', () => {
    const cache = new VerifiedTokenCache(10, () => 5000);
    cache.set('t', principal(), 5000);
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded and evicts the least recently used token first', () => {
    const cache = new VerifiedTokenCache(3, () => 0);
    for (const t of ['a', 'b', 'c']) cache.set(t, principal(), 60_000);
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used; b the least
    cache.set('d', principal(), 60_000);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    for (const t of ['a', 'c', 'd']) expect(cache.get(t)).toBeDefined();
    for (let i = 0; i < 100; i++) cache.set(`x${i}`, principal(), 60_000);
    expect(cache.size).toBe(3);
  });

  it('evicts expired tokens before used ones', () => {
    let now = 0;
    const cache = new VerifiedTokenCache(2, () => now);
    cache.set('short', principal(), 1000);
    cache.set('long', principal(), 60_000);
    expect(cache.get('short')).toBeDefined();
    now = 2000;
    cache.set('new', principal(), 60_000);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toBeDefined();
    expect(cache.get('new')).toBeDefined();
  });

  it('hands out a principal no caller can change', () => {
    const cache = new VerifiedTokenCache(3, () => 0);
    const original = principal();
    cache.set('t', original, 60_000);
    const p = cache.get('t') as unknown as { workspaceId: string; scopes: string[] };
    expect(() => {
      p.workspaceId = 'someone-else';
    }).toThrow(TypeError);
    expect(() => p.scopes.push('admin:system')).toThrow(TypeError);
    expect(cache.get('t')).toEqual(original);
  });

  it('stores nothing when its bound is 0', () => {
    const cache = new VerifiedTokenCache(0, () => 0);
    cache.set('a', principal(), 60_000);
    expect(cache.size).toBe(0);
  });
});

describe('AccessTokenVerifier', () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (
    claims: Record<string, unknown>,
    expSeconds: number,
    key?: SigningKey,
  ) => Promise<string>;
  let otherKey: SigningKey;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', {
      crv: 'Ed25519',
      extractable: true,
    });
    otherKey = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
    const jwk: JWK = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const body = JSON.stringify({ keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] });
    server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    sign = (claims, expSeconds, key = privateKey) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(String(claims['sub']))
        .setIssuedAt()
        .setExpirationTime(expSeconds)
        .sign(key);
  });

  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  const claims = () => ({
    sub: randomUUID(),
    role: 'user',
    workspaceId: randomUUID(),
    workspaceRole: 'editor',
    scopes: ['content:read', 'content:write'],
    sid: randomUUID(),
  });

  it('verifies a token once and answers the same principal from its cache until exp', async () => {
    const verifier = new AccessTokenVerifier(jwksUrl);
    const c = claims();
    const token = await sign(c, Math.floor(Date.now() / 1000) + 600);
    expect(verifier.verifyCached(token)).toBeUndefined();
    const first = await verifier.verify(token);
    expect(verifier.verifyCached(token)).toEqual(first);
    expect(first).toMatchObject({
      userId: c.sub,
      workspaceId: c.workspaceId,
      workspaceRole: 'editor',
      sessionId: c.sid,
    });
    expect(verifier.cache.size).toBe(1);
    const second = await verifier.verify(token);
    expect(second).toEqual(first);
    // the principal is shared and frozen: no caller can change what the next request sees
    expect(() => (second.scopes as string[]).push('admin:system')).toThrow(TypeError);
    expect((await verifier.verify(token)).scopes).toEqual(['content:read', 'content:write']);
  });

  it('refuses (and never caches) a token signed with another key, with alg none, or with a tampered payload', async () => {
    const verifier = new AccessTokenVerifier(jwksUrl);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const good = await sign(claims(), exp);
    const forged = await sign(claims(), exp, otherKey);
    const [h, p] = good.split('.') as [string, string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'owner' })).toString('base64url')}.${good.split('.')[2]}`;
    await verifier.verify(good); // the good one is cached: a neighbour must not ride on it
    for (const bad of [forged, none, tampered]) {
      await expect(verifier.verify(bad)).rejects.toBeInstanceOf(InvalidTokenError);
      await expect(verifier.verify(bad)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    expect(verifier.cache.size).toBe(1);
  });

  it('refuses a cached token once it has expired', async () => {
    const verifier = new AccessTokenVerifier(jwksUrl);
    // at least a second of validity, so a slow machine still verifies it before it expires
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await sign(claims(), exp);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await new Promise((ok) => setTimeout(ok, Math.max(0, exp * 1000 - Date.now()) + 20));
    expect(verifier.verifyCached(token)).toBeUndefined();
    await expect(verifier.verify(token)).rejects.toThrow('access token expired');
    expect(verifier.cache.size).toBe(0);
  });

  it('verifies a long-lived token again after VERIFIED_TOKEN_MAX_AGE_MS', async () => {
    let now = Date.now();
    const verifier = new AccessTokenVerifier(jwksUrl, { now: () => now });
    const token = await sign(claims(), Math.floor(Date.now() / 1000) + 600);
    await verifier.verify(token);
    now += VERIFIED_TOKEN_MAX_AGE_MS - 1;
    expect(verifier.verifyCached(token)).toBeDefined();
    now += 1;
    expect(verifier.verifyCached(token)).toBeUndefined();
    await expect(verifier.verify(token)).resolves.toBeDefined(); // still valid: verified and cached again
    expect(verifier.verifyCached(token)).toBeDefined();
  });

  it('fetches the key set again when a token names a kid it does not know (key rotation)', async () => {
    const first = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const next = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const published = async (k: SigningKey) => {
      const jwk = await exportJWK(k);
      return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'EdDSA', use: 'sig' };
    };
    const [a, b] = [await published(first.publicKey), await published(next.publicKey)];
    let keys = [a];
    let fetches = 0;
    const rotating = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((ok) => rotating.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(rotating.address() as AddressInfo).port}/jwks.json`;
      const verifier = new AccessTokenVerifier(url, { jwksCooldownMs: 0 });
      const signWith = (key: SigningKey, kid: string) =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
          .setIssuer(ACCESS_TOKEN_ISSUER)
          .setAudience(ACCESS_TOKEN_AUDIENCE)
          .setSubject(randomUUID())
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(key);
      await verifier.verify(await signWith(first.privateKey, a.kid));
      expect(fetches).toBe(1);
      // identity starts signing with a new key and publishes it next to the old one
      keys = [a, b];
      const rotated = await verifier.verify(await signWith(next.privateKey, b.kid));
      expect(rotated.workspaceRole).toBe('editor');
      expect(fetches).toBe(2);
      // a kid nobody published is still refused after the refetch
      await expect(verifier.verify(await signWith(otherKey, 'unknown-kid'))).rejects.toThrow(
        InvalidTokenError,
      );
    } finally {
      await new Promise<void>((ok) => rotating.close(() => ok()));
    }
  });

  it('keeps at most cacheMaxEntries tokens', async () => {
    const verifier = new AccessTokenVerifier(jwksUrl, { cacheMaxEntries: 2 });
    const exp = Math.floor(Date.now() / 1000) + 600;
    for (let i = 0; i < 5; i++) await verifier.verify(await sign(claims(), exp));
    expect(verifier.cache.size).toBe(2);
  });

  describe('behind the AccessGuard', () => {
    /** The guard with a real verifier (and its cache) and a rate limiter whose answer the test sets. */
    function guardWith(verifier: AccessTokenVerifier, handler: () => void = () => undefined) {
      const gateCalls: GateInput[] = [];
      let answer: GateResult = { status: 'ok' };
      const limiter = {
        gate: async (input: GateInput) => (gateCalls.push(input), answer),
      } as unknown as RateLimiter;
      const metrics = { rateLimited: { inc: () => undefined } } as unknown as MetricsService;
      const provider = { get: () => verifier } as unknown as AccessTokenVerifierProvider;
      const config = {
        RATE_LIMIT_PER_MINUTE: 100,
        RATE_LIMIT_LOGIN_PER_MINUTE: 10,
      } as PlatformConfig;
      const guard = new AccessGuard(new Reflector(), provider, limiter, metrics, config);
      class Ctl {}
      const call = (token: string) => {
        const req = { headers: { authorization: `Bearer ${token}` }, ip: '127.0.0.1', socket: {} };
        const ctx = {
          getType: () => 'http',
          getHandler: () => handler,
          getClass: () => Ctl,
          switchToHttp: () => ({ getRequest: () => req }),
        } as unknown as ExecutionContext;
        return guard.canActivate(ctx);
      };
      return { call, gateCalls, setAnswer: (a: GateResult) => (answer = a) };
    }

    it('checks revocation in Redis on every request, cached token or not: a revoked session is refused at once', async () => {
      const verifier = new AccessTokenVerifier(jwksUrl);
      const { call, gateCalls, setAnswer } = guardWith(verifier);
      const c = claims();
      const token = await sign(c, Math.floor(Date.now() / 1000) + 600);
      await expect(call(token)).resolves.toBe(true);
      await expect(call(token)).resolves.toBe(true); // from the cache
      expect(verifier.cache.size).toBe(1);
      expect(gateCalls).toHaveLength(2);
      expect(gateCalls[1]?.user).toMatchObject({ userId: c.sub, sessionId: c.sid });
      setAnswer({ status: 'revoked' }); // logout, password change or a disabled user
      const refused = await call(token).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ProblemException);
      expect((refused as ProblemException).problem.status).toBe(401);
      setAnswer({ status: 'user-limited', retryAfterSeconds: 30 });
      const limited = await call(token).catch((e: unknown) => e);
      expect((limited as ProblemException).problem.status).toBe(429);
    });

    it('enforces @WorkspaceRoles and @Scopes from the token: 403 naming what is missing', async () => {
      const verifier = new AccessTokenVerifier(jwksUrl);
      const token = await sign(claims(), Math.floor(Date.now() / 1000) + 600); // an editor
      const route = (...decorators: Array<(target: object) => unknown>) => {
        const handler = () => undefined;
        for (const d of decorators) d(handler);
        return guardWith(verifier, handler).call;
      };
      const refusal = async (call: (t: string) => Promise<boolean>) => {
        const e = await call(token).catch((err: unknown) => err);
        expect(e).toBeInstanceOf(ProblemException);
        return (e as ProblemException).problem;
      };
      await expect(route(WorkspaceRoles('owner', 'admin', 'editor'))(token)).resolves.toBe(true);
      const managers = await refusal(route(WorkspaceRoles('owner', 'admin')));
      expect(managers.status).toBe(403);
      expect(managers.detail).toContain('requires workspace role owner or admin');
      await expect(route(Scopes('content:write'))(token)).resolves.toBe(true);
      const system = await refusal(route(Scopes('content:read', 'admin:system')));
      expect(system.status).toBe(403);
      expect(system.detail).toContain('requires scope admin:system');
    });
  });
});
