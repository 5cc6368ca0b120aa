import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { ContextHeaders, contextFromHeaders, RequestContext } from '../context/request-context';

const QUIET = /^\/(health|metrics)(\/|$)/;

/**
 * Express middlewares, mounted before Nest's router: the request context (request id from
 * `x-request-id` or a new one, echoed in the response) wrapping the whole request, then one pino
 * access-log line per request carrying request id, workspace id and user id.
 */
export function httpContextMiddlewares(logger: Logger): RequestHandler[] {
  const context: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const ctx = contextFromHeaders((n) => {
      const v = req.headers[n];
      return typeof v === 'string' && v.length <= 128 ? v : undefined;
    }, randomUUID);
    // a client may name its request, but never claims a workspace or user: the token does that
    delete ctx.workspaceId;
    delete ctx.userId;
    res.setHeader(ContextHeaders.requestId, ctx.requestId);
    RequestContext.run(ctx, () => next());
  };
  const access = pinoHttp({
    logger,
    genReqId: () => RequestContext.get()?.requestId ?? randomUUID(),
    autoLogging: { ignore: (req) => QUIET.test(req.url ?? '') },
    quietReqLogger: true,
    customProps: (req) => {
      const principal = (req as Request & { principal?: { workspaceId: string; userId: string } }).principal;
      return {
        requestId: (req as Request & { id?: string }).id,
        ...(principal ? { workspaceId: principal.workspaceId, userId: principal.userId } : {}),
      };
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }) as unknown as RequestHandler;
  return [context, access];
}
