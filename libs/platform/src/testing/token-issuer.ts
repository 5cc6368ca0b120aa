import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TTL_SECONDS,
  scopesFor,
  WorkspaceRole,
} from '@postmagiq/contracts';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * Plays identity's part in another service's integration tests: access tokens signed exactly as
 * identity signs them (EdDSA, RFC 7638 `kid`, issuer/audience, the claims of
 * AccessTokenClaimsSchema, scopes from the workspace role), with the public key served as a JWKS
 * the service under test is pointed at (IDENTITY_JWKS_URL). The service verifies them with the
 * platform verifier, the same code path as identity's tokens.
 */

export interface TestCaller {
  userId: string;
  sessionId: string;
  workspaceId: string;
  role: WorkspaceRole;
  token: string;
}

export class TestTokenIssuer {
  private server?: Server;
  private privateKey?: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  private jwk?: JWK;
  private kid = '';

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    this.privateKey = privateKey;
    const jwk = await exportJWK(publicKey);
    this.kid = await calculateJwkThumbprint(jwk);
    this.jwk = { ...jwk, kid: this.kid, alg: 'EdDSA', use: 'sig' };
    this.server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [this.jwk] }));
    });
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    return this;
  }

  get jwksUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('token issuer not started');
    return `http://127.0.0.1:${address.port}/jwks.json`;
  }

  /** A member of `workspaceId` (a fresh workspace when omitted) with that role. */
  async caller(
    role: WorkspaceRole,
    workspaceId: string = randomUUID(),
    userId: string = randomUUID(),
  ): Promise<TestCaller> {
    if (!this.privateKey) throw new Error('token issuer not started');
    const sessionId = randomUUID();
    const token = await new SignJWT({
      role: 'user',
      workspaceId,
      workspaceRole: role,
      scopes: scopesFor('user', role),
      sid: sessionId,
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.privateKey);
    return { userId, sessionId, workspaceId, role, token };
  }

  /** Starts an issuer (`start()` on a new one). */
  static start(): Promise<TestTokenIssuer> {
    return new TestTokenIssuer().start();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}
