import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ContextHeaders, RequestContext, RequestContextData } from '../context/request-context';
import type { MetricsService } from '../observability/metrics';
import { writeInfoLine } from './logger';

const QUIET = /^\/(health|metrics)(\/|$)/;

type LoggedRequest = Request & { principal?: { workspaceId: string; userId: string } };
const json = JSON.stringify;

function headerValue(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && v.length <= 128 ? v : undefined;
}

/**
 * Express middlewares, mounted before Nest's router: the request context (request id from
 * `x-request-id` or a new one, echoed in the response) wrapping the whole request, then one pino
 * access-log line per request carrying request id, workspace id and user id.
 *
 * The access line is written directly on the root logger when the response is done (finished, or
 * its connection closed first): `{req: {method, url}, res: {statusCode}, responseTime, requestId,
 * workspaceId, userId, msg: 'request completed' | 'request aborted' | 'request errored'}`, level
 * error for 5xx. (pino-http did the same with three child loggers per request; this line is
 * serialised here, in the root logger's format — see `writeInfoLine`.) Health probes and metric
 * scrapes are not logged.
 *
 * With `metrics` (createApp passes them), the same hook records
 * `http_server_request_duration_seconds` for every request, probes and scrapes included, by method,
 * matched route pattern and status.
 */
export function httpContextMiddlewares(logger: Logger, metrics?: MetricsService): RequestHandler[] {
  // The access line's shape is fixed here (method, url, status, timing, ids; no headers, no bodies),
  // so the root logger's redaction paths can never match it: skip that per-line work. Lines with an
  // error object still go through the root logger and its redaction.
  const accessLogger = logger.child({}, { redact: [] });
  const context: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    // a client may name its request (and its run), but never claims a workspace or user: the
    // token does that
    const headers = req.headers;
    const requestId = headerValue(headers[ContextHeaders.requestId]) || randomUUID();
    const runId = headerValue(headers[ContextHeaders.runId]);
    const ctx: RequestContextData = runId ? { requestId, runId } : { requestId };
    res.setHeader(ContextHeaders.requestId, requestId);
    RequestContext.run(ctx, () => next());
  };
  const access: RequestHandler = (req: LoggedRequest, res: Response, next: NextFunction) => {
    const ctx: RequestContextData | undefined = RequestContext.get();
    const requestId = ctx?.requestId ?? randomUUID();
    const quiet = QUIET.test(req.url ?? '');
    if (quiet && !metrics) return next();
    const started = performance.now();
    const method = req.method;
    const url = req.originalUrl ?? req.url;
    let done = false;
    const onDone = (err?: unknown) => {
      if (done) return;
      done = true;
      const ms = performance.now() - started;
      if (metrics) {
        // the matched route pattern, never the raw URL (ids would explode the label set)
        const route = (req.route as { path?: string } | undefined)?.path;
        metrics.httpDuration.observe(
          {
            method,
            route: route === undefined ? 'unmatched' : `${req.baseUrl ?? ''}${route}`,
            status: String(res.statusCode),
          },
          ms / 1000,
        );
      }
      if (quiet) return;
      const principal = req.principal;
      const workspaceId = principal?.workspaceId ?? ctx?.workspaceId;
      const userId = principal?.userId ?? ctx?.userId;
      const runId = ctx?.runId;
      const status = res.statusCode;
      const responseTime = Math.round(ms);
      const asObject = () => ({
        requestId,
        ...(workspaceId ? { workspaceId } : {}),
        ...(userId ? { userId } : {}),
        ...(runId ? { runId } : {}),
        req: { method, url },
        res: { statusCode: status },
        responseTime,
      });
      if (err instanceof Error || status >= 500) {
        logger.error(
          { ...asObject(), ...(err instanceof Error ? { err } : {}) },
          'request errored',
        );
        return;
      }
      const msg =
        !req.readableAborted && res.writableFinished ? 'request completed' : 'request aborted';
      const fields =
        `"requestId":${json(requestId)}` +
        (workspaceId ? `,"workspaceId":${json(workspaceId)}` : '') +
        (userId ? `,"userId":${json(userId)}` : '') +
        (runId ? `,"runId":${json(runId)}` : '') +
        `,"req":{"method":${json(method)},"url":${json(url)}},"res":{"statusCode":${status}},"responseTime":${responseTime}`;
      if (!writeInfoLine(logger, fields, msg)) accessLogger.info(asObject(), msg);
    };
    // a response emits 'close' once it is done, finished or not (Node ≥ 14)
    res.on('close', onDone);
    res.on('error', onDone);
    next();
  };
  return [context, access];
}
