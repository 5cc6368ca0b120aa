import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ContextHeaders, contextFromHeaders, RequestContext, RequestContextData } from '../context/request-context';

const QUIET = /^\/(health|metrics)(\/|$)/;

type LoggedRequest = Request & { id?: string; log?: Logger; principal?: { workspaceId: string; userId: string } };

/**
 * Express middlewares, mounted before Nest's router: the request context (request id from
 * `x-request-id` or a new one, echoed in the response) wrapping the whole request, then one pino
 * access-log line per request carrying request id, workspace id and user id.
 *
 * The access line is written directly on the root logger when the response is done (finished, or
 * its connection closed first): `{req: {method, url}, res: {statusCode}, responseTime, requestId,
 * workspaceId, userId, msg: 'request completed' | 'request aborted' | 'request errored'}`, level
 * error for 5xx. (pino-http did the same with three child loggers per request; this costs one log
 * call.) `req.id` is the request id and `req.log` the root logger, whose lines carry the request
 * context anyway.
 */
export function httpContextMiddlewares(logger: Logger): RequestHandler[] {
  // The access line's shape is fixed here (method, url, status, timing, ids; no headers, no bodies),
  // so the root logger's redaction paths can never match it: skip that per-line work. Lines with an
  // error object still go through the root logger and its redaction.
  const accessLogger = logger.child({}, { redact: [] });
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
  const access: RequestHandler = (req: LoggedRequest, res: Response, next: NextFunction) => {
    const ctx: RequestContextData | undefined = RequestContext.get();
    req.id ??= ctx?.requestId ?? randomUUID();
    req.log ??= logger;
    if (QUIET.test(req.url ?? '')) return next();
    const started = Date.now();
    const method = req.method;
    const url = req.originalUrl ?? req.url;
    let logged = false;
    const done = (err?: unknown) => {
      if (logged) return;
      logged = true;
      res.off('close', done);
      res.off('error', done);
      const principal = req.principal;
      const line: Record<string, unknown> = {
        req: { method, url },
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - started,
        requestId: req.id,
      };
      const workspaceId = principal?.workspaceId ?? ctx?.workspaceId;
      const userId = principal?.userId ?? ctx?.userId;
      if (workspaceId) line['workspaceId'] = workspaceId;
      if (userId) line['userId'] = userId;
      if (err instanceof Error || res.statusCode >= 500) {
        if (err instanceof Error) line['err'] = err;
        logger.error(line, 'request errored');
      } else {
        accessLogger.info(line, !req.readableAborted && res.writableFinished ? 'request completed' : 'request aborted');
      }
    };
    // a response emits 'close' once it is done, finished or not (Node ≥ 14)
    res.on('close', done);
    res.on('error', done);
    next();
  };
  return [context, access];
}
