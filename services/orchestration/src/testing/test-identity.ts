import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  scopesFor,
  WorkspaceRole,
} from '@postmagiq/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestUser {
  userId: string;
  workspaceId: string;
  role: WorkspaceRole;
  token: string;
}

/**
 * Plays identity's part for orchestration's tests: an Ed25519 key, its JWKS served over HTTP (what
 * IDENTITY_JWKS_URL points at) and access tokens with the claims identity issues.
 */
export interface TestIdentity {
  jwksUrl: string;
  user(workspaceId: string, role: WorkspaceRole): Promise<TestUser>;
  stop(): Promise<void>;
}

export async function startTestIdentity(): Promise<TestIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/api/auth/.well-known/jwks.json`,
    async user(workspaceId, role) {
      const userId = randomUUID();
      const token = await new SignJWT({
        role: 'user',
        workspaceId,
        workspaceRole: role,
        scopes: scopesFor('user', role),
        sid: randomUUID(),
      })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(userId)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
      return { userId, workspaceId, role, token };
    },
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
