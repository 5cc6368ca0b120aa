import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Scope, WorkspaceRole } from '@postmagiq/contracts';
import type { Principal } from './principal';

export const IS_PUBLIC = 'postmagiq:public';
export const REQUIRED_SCOPES = 'postmagiq:scopes';
export const REQUIRED_WORKSPACE_ROLES = 'postmagiq:workspace-roles';
export const RATE_LIMIT = 'postmagiq:rate-limit';
export const NO_RATE_LIMIT = 'postmagiq:no-rate-limit';

/** The route needs no access token. Every other route does (the guard is global). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The token must carry every listed scope (403 otherwise). */
export const Scopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The caller's role in the token's workspace must be one of these (403 otherwise). */
export const WorkspaceRoles = (...roles: WorkspaceRole[]) =>
  SetMetadata(REQUIRED_WORKSPACE_ROLES, roles);

export interface RateLimitSpec {
  /** Bucket name: requests of all routes sharing a bucket count together. */
  bucket: string;
  /** Defaults to RATE_LIMIT_LOGIN_PER_MINUTE for the `login` bucket, RATE_LIMIT_PER_MINUTE otherwise. */
  perMinute?: number;
}

/** A tighter per-IP limit for this route (login, register, password reset). */
export const RateLimit = (spec: RateLimitSpec) => SetMetadata(RATE_LIMIT, spec);

/**
 * A public route the guard lets through without touching Redis: health probes and metric scrapes.
 * The kubelet and Prometheus poll from one address, and liveness must not fail because Redis does
 * (a dead Redis would get every pod restarted in a loop); readiness reports Redis itself.
 */
export const Unlimited = () => SetMetadata(NO_RATE_LIMIT, true);

/** The verified caller of this request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => {
    const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
    if (!req.principal) throw new Error('CurrentPrincipal used on a public route');
    return req.principal;
  },
);
