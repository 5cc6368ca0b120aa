import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Scope, WorkspaceRole } from '@postmagiq/contracts';
import type { Request } from 'express';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { RequestContext } from '../context/request-context';
import { Problems, ProblemTypes } from '../errors/problem';
import { MetricsService } from '../observability/metrics';
import { RateLimiter } from '../rate-limit/rate-limiter';
import {
  IS_PUBLIC,
  NO_RATE_LIMIT,
  RATE_LIMIT,
  RateLimitSpec,
  REQUIRED_SCOPES,
  REQUIRED_WORKSPACE_ROLES,
} from './decorators';
import type { Principal } from './principal';
import { AccessTokenVerifierProvider, InvalidTokenError } from './token-verifier';

export type AuthenticatedRequest = Request & { principal?: Principal };

/** What a route's decorators ask of the guard; read once per route, not once per request. */
interface RouteAccess {
  isPublic: boolean;
  /** public and exempt from rate limits (probes, scrapes): no Redis round trip at all */
  unlimited: boolean;
  limit: RateLimitSpec | undefined;
  scopes: Scope[] | undefined;
  roles: WorkspaceRole[] | undefined;
}

/**
 * The one global guard: every HTTP route needs a valid access token unless marked `@Public()`.
 * Order: verify the token (CPU only) → one Redis round trip for the rate limits and revocation
 * flags → scopes and workspace role. NATS and queue handlers are internal and pass through, and so
 * do `@Unlimited()` public routes (probes and scrapes).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifierProvider,
    private readonly limiter: RateLimiter,
    private readonly metrics: MetricsService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Decorator metadata is fixed once classes are defined: cached per (controller, handler). */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAccess>>();

  private routeAccess(handler: object, controller: object): RouteAccess {
    let byHandler = this.routes.get(controller);
    const known = byHandler?.get(handler);
    if (known) return known;
    const targets = [handler, controller] as unknown as Parameters<
      Reflector['getAllAndOverride']
    >[1];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true;
    const access: RouteAccess = {
      isPublic,
      unlimited:
        isPublic && this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, targets) === true,
      limit: this.reflector.getAllAndOverride<RateLimitSpec | undefined>(RATE_LIMIT, targets),
      scopes: this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets),
      roles: this.reflector.getAllAndOverride<WorkspaceRole[] | undefined>(
        REQUIRED_WORKSPACE_ROLES,
        targets,
      ),
    };
    if (!byHandler) this.routes.set(controller, (byHandler = new WeakMap()));
    byHandler.set(handler, access);
    return access;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const { isPublic, unlimited, limit, scopes, roles } = this.routeAccess(
      context.getHandler(),
      context.getClass(),
    );
    if (unlimited) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();

    let principal: Principal | undefined;
    if (!isPublic) {
      const header = req.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match?.[1]) throw Problems.unauthorized('missing bearer access token');
      try {
        const verifier = this.verifier.get();
        principal = verifier.verifyCached(match[1]) ?? (await verifier.verify(match[1]));
      } catch (e) {
        if (e instanceof InvalidTokenError)
          throw Problems.unauthorized(e.message, ProblemTypes.tokenInvalid);
        throw Problems.unavailable('token keys unavailable');
      }
    }

    const perMinute =
      limit?.perMinute ??
      (limit?.bucket === 'login'
        ? this.config.RATE_LIMIT_LOGIN_PER_MINUTE
        : this.config.RATE_LIMIT_PER_MINUTE);
    const gate = await this.limiter.gate({
      bucket: limit?.bucket ?? 'default',
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      ipLimit: perMinute,
      ...(principal
        ? {
            user: {
              userId: principal.userId,
              sessionId: principal.sessionId,
              issuedAt: principal.issuedAt,
              limit: this.config.RATE_LIMIT_PER_MINUTE,
            },
          }
        : {}),
    });
    if (gate.status === 'revoked')
      throw Problems.unauthorized('session has been revoked', ProblemTypes.tokenInvalid);
    if (gate.status !== 'ok') {
      this.metrics.rateLimited.inc({ bucket: limit?.bucket ?? 'default' });
      throw Problems.rateLimited(gate.retryAfterSeconds);
    }
    if (!principal) return true;

    req.principal = principal;
    RequestContext.set({ userId: principal.userId, workspaceId: principal.workspaceId });

    if (scopes && !scopes.every((s) => principal.scopes.includes(s))) {
      throw Problems.forbidden(
        `requires scope ${scopes.filter((s) => !principal.scopes.includes(s)).join(', ')}`,
      );
    }
    if (roles && !roles.includes(principal.workspaceRole)) {
      throw Problems.forbidden(`requires workspace role ${roles.join(' or ')}`);
    }
    return true;
  }
}
