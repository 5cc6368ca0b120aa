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

/** Path of identity's JWKS below the API prefix. */
export const JWKS_PATH = '/api/auth/.well-known/jwks.json';

/**
 * Verifies identity's access tokens with its public keys fetched from the JWKS URL: cached, and
 * refetched when a token names an unknown `kid` (at most every 30 s). Only EdDSA is accepted,
 * so `alg: none` and HMAC confusion are refused before any key is looked at.
 */
export class AccessTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(jwksUrl: string | URL) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5000 });
  }

  async verify(token: string): Promise<Principal> {
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
      if (e instanceof errors.JOSEError) throw new InvalidTokenError(`access token rejected: ${e.code}`);
      throw e;
    }
    const claims = AccessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('access token claims malformed');
    const c = claims.data;
    return {
      userId: c.sub,
      role: c.role,
      workspaceId: c.workspaceId,
      workspaceRole: c.workspaceRole,
      scopes: c.scopes,
      sessionId: c.sid,
      issuedAt: c.iat,
    };
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
