import { z } from 'zod';
import { ScopeSchema, SystemRoleSchema, WorkspaceRoleSchema } from './roles.schema';

/** Issuer and audience every access token carries; verifiers reject anything else. */
export const ACCESS_TOKEN_ISSUER = 'postmagiq-identity';
export const ACCESS_TOKEN_AUDIENCE = 'postmagiq';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** Claims of an identity access token (JWS, EdDSA, `kid` in the header). */
export const AccessTokenClaimsSchema = z.object({
  sub: z.string().uuid(),
  role: SystemRoleSchema,
  workspaceId: z.string().uuid(),
  workspaceRole: WorkspaceRoleSchema,
  scopes: z.array(ScopeSchema),
  /** Session (refresh-token family) the token was issued for; revoking it revokes the token. */
  sid: z.string().uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaimsSchema>;
