import { Inject, Injectable } from '@nestjs/common';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaimsSchema,
} from '@postmagiq/contracts';
import { createRemoteJWKSet, errors, JWTVerifyGetKey, jwtVerify } from 'jose';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import type { Principal } from './principal';

export class InvalidTokenError extends Error {}

/** A verified token is verified again after at most this long, even if it expires later. */
export const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;

/**
 * Principals of tokens that passed verification, by the token's exact string, until the token's
 * own `exp` (then it is verified again, and jose refuses it as expired) and for at most
 * VERIFIED_TOKEN_MAX_AGE_MS (so a key withdrawn from the JWKS stops being honoured within a minute
 * of the JWKS cache noticing). Bounded: a full cache evicts tokens not used since the eviction
 * sweep last passed them (second chance, an approximation of least recently used that costs a hit
 * one flag instead of moving its entry). Only successful verifications are kept, and nothing about
 * revocation is cached here: the guard checks a cached token's session and user against Redis on
 * every request, like a freshly verified one. Principals are stored frozen and handed out as they
 * are, so no caller can change what the next request sees.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<
    string,
    { principal: Principal; expiresAtMs: number; used: boolean }
  >();

  constructor(
    readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): Principal | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (this.now() >= hit.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    hit.used = true;
    return hit.principal;
  }

  /** `expiresAtMs`: the token's `exp` in milliseconds; already expired tokens are not stored. */
  set(token: string, principal: Principal, expiresAtMs: number): void {
    const now = this.now();
    if (this.maxEntries <= 0 || now >= expiresAtMs) return;
    this.entries.delete(token);
    // oldest first; a used entry gets a second chance at the back (each at most once per sweep)
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      const [key, entry] = oldest.value;
      this.entries.delete(key);
      if (entry.used && now < entry.expiresAtMs) {
        entry.used = false;
        this.entries.set(key, entry);
      }
    }
    this.entries.set(token, { principal: frozen(principal), expiresAtMs, used: false });
  }

  clear(): void {
    this.entries.clear();
  }
}

function frozen(p: Principal): Principal {
  if (Object.isFrozen(p) && Object.isFrozen(p.scopes)) return p;
  return Object.freeze({ ...p, scopes: Object.freeze([...p.scopes]) });
}

/** Path of identity's JWKS below the API prefix. */
export const JWKS_PATH = '/api/auth/.well-known/jwks.json';

/**
 * Verifies identity's access tokens with its public keys fetched from the JWKS URL: cached, and
 * refetched when a token names an unknown `kid` (at most every 30 s). Only EdDSA is accepted,
 * so `alg: none` and HMAC confusion are refused before any key is looked at.
 */
export class AccessTokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  /** Verified tokens (signature, algorithm, issuer, audience, claims) until their `exp`. */
  readonly cache: VerifiedTokenCache;
  private readonly now: () => number;

  constructor(
    jwksUrl: string | URL,
    options: { cacheMaxEntries?: number; now?: () => number; jwksCooldownMs?: number } = {},
  ) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl), {
      cacheMaxAge: 10 * 60_000,
      // an unknown kid refetches the key set, at most once per cooldown (a flood of forged kids
      // must not become a flood of JWKS requests)
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      timeoutDuration: 5000,
    });
    this.now = options.now ?? Date.now;
    this.cache = new VerifiedTokenCache(options.cacheMaxEntries ?? 10_000, this.now);
  }

  /** The principal of a token verified before and not yet expired, without waiting; else undefined. */
  verifyCached(token: string): Principal | undefined {
    return this.cache.get(token);
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const { principal, expiresAtMs } = await this.verifyUncached(token);
    const verified = frozen(principal);
    this.cache.set(token, verified, Math.min(expiresAtMs, this.now() + VERIFIED_TOKEN_MAX_AGE_MS));
    return verified;
  }

  private async verifyUncached(
    token: string,
  ): Promise<{ principal: Principal; expiresAtMs: number }> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ['EdDSA'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new InvalidTokenError('access token expired');
      if (e instanceof errors.JOSEError)
        throw new InvalidTokenError(`access token rejected: ${e.code}`);
      throw e;
    }
    const claims = AccessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('access token claims malformed');
    const c = claims.data;
    const principal: Principal = {
      userId: c.sub,
      role: c.role,
      workspaceId: c.workspaceId,
      workspaceRole: c.workspaceRole,
      scopes: c.scopes,
      sessionId: c.sid,
      issuedAt: c.iat,
    };
    // jose accepts a token while now (in whole seconds) < exp, i.e. while Date.now() < exp * 1000
    return { principal, expiresAtMs: c.exp * 1000 };
  }
}

/** The verifier of this process, pointed at IDENTITY_JWKS_URL or at its own identity route. */
@Injectable()
export class AccessTokenVerifierProvider {
  private verifier?: AccessTokenVerifier;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  get(): AccessTokenVerifier {
    this.verifier ??= new AccessTokenVerifier(
      this.config.IDENTITY_JWKS_URL ?? `http://127.0.0.1:${this.config.PORT}${JWKS_PATH}`,
    );
    return this.verifier;
  }
}
