/*
 * The floor of an authenticated GET /api/auth/me: the per-request work the issue requires, hand-
 * written with the least machinery on the same platform as the bare endpoint (NestJS + Express),
 * so the bench can tell what the requirements cost from what our platform adds to them.
 *
 * Per request, as the real service does it, and nothing else:
 * - a request context in AsyncLocalStorage (request id from `x-request-id` or a new one, echoed);
 * - the bearer token verified (EdDSA against identity's JWKS on first sight, then from a Map, as
 *   the real verifier caches verified tokens);
 * - the platform's own rate-limit and revocation gate (RedisGate: one script call per event-loop
 *   turn), per IP and per user;
 * - the answer: the same /auth/me body the real service returns, from memory (the real one caches
 *   it too);
 * - when the response is done: the platform's request-duration histogram and one JSON access
 *   line with request id and workspace id on batched stdout (pino, as the platform writes it).
 */
import { Controller, Get, HttpException, Module, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@postmagiq/contracts';
import { MetricsService, RedisGate, redisConnectionOptions } from '@postmagiq/platform';
import type { NextFunction, Request, Response } from 'express';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';

interface Claims {
  sub: string;
  sid: string;
  iat: number;
  workspaceId: string;
}

interface Ctx {
  requestId: string;
  workspaceId?: string;
  userId?: string;
}

export interface FloorOptions {
  redisUrl: string;
  jwksUrl: string;
  /** the JSON body identity answered for this token's /auth/me */
  meBody: unknown;
}

export async function createFloorApp(o: FloorOptions): Promise<INestApplication> {
  const context = new AsyncLocalStorage<Ctx>();
  const redis = new Redis({ ...redisConnectionOptions(o.redisUrl), maxRetriesPerRequest: null });
  const gate = new RedisGate(redis);
  const jwks = createRemoteJWKSet(new URL(o.jwksUrl));
  const verified = new Map<string, Claims>();
  const log = pino(
    { base: { service: 'floor' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 200 }),
  );
  // the platform's own histogram (and registry), as the service observes it
  const { httpDuration: duration } = new MetricsService();

  @Controller('floor')
  class FloorController {
    @Get('me')
    async me(@Req() req: Request): Promise<unknown> {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token) throw new HttpException('missing bearer access token', 401);
      let claims = verified.get(token);
      if (!claims) {
        const { payload } = await jwtVerify(token, jwks, {
          algorithms: ['EdDSA'],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
        });
        claims = payload as unknown as Claims;
        verified.set(token, claims);
      }
      const { status } = await gate.check({
        ipKey: `rl:default:ip:${req.ip ?? 'unknown'}`,
        ipLimit: 100_000_000,
        windowMs: 60_000,
        user: {
          key: `rl:default:user:${claims.sub}`,
          limit: 100_000_000,
          sessionRevokedKey: `auth:revoked:sid:${claims.sid}`,
          userRevokedKey: `auth:revoked:user:${claims.sub}`,
          issuedAt: claims.iat,
        },
      });
      if (status === 'revoked') throw new HttpException('session has been revoked', 401);
      if (status !== 'ok') throw new HttpException('too many requests', 429);
      const ctx = context.getStore();
      if (ctx) {
        ctx.workspaceId = claims.workspaceId;
        ctx.userId = claims.sub;
      }
      return o.meBody;
    }
  }

  @Module({ controllers: [FloorController] })
  class FloorModule {}

  const app = await NestFactory.create(FloorModule, { logger: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = (req.headers['x-request-id'] as string | undefined) || randomUUID();
    const ctx: Ctx = { requestId };
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('close', () => {
      const ms = performance.now() - started;
      duration.observe(
        { method: req.method, route: '/floor/me', status: String(res.statusCode) },
        ms / 1000,
      );
      log.info(
        {
          requestId,
          workspaceId: ctx.workspaceId,
          userId: ctx.userId,
          req: { method: req.method, url: req.originalUrl },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(ms),
        },
        'request completed',
      );
    });
    context.run(ctx, next);
  });
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    redis.disconnect();
    log.flush();
  };
  return app;
}
