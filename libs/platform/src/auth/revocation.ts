/**
 * Redis keys through which identity revokes access tokens before they expire: a session (refresh
 * family) ended by logout, reuse detection or a password change, and a disabled user. Every
 * service's guard reads them in the same round trip as its rate-limit counters. Keys live as long
 * as an access token can (15 min), so the set stays small.
 */
export const RevocationKeys = {
  session: (sessionId: string) => `auth:revoked:sid:${sessionId}`,
  user: (userId: string) => `auth:revoked:user:${userId}`,
};

export const REVOCATION_TTL_SECONDS = 15 * 60 + 60;
