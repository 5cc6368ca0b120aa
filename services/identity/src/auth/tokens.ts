import { createHash, randomBytes } from 'node:crypto';

/** Opaque secret handed to a client (refresh, invite, reset): 256 random bits, base64url. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
