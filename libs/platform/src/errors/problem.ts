import { Observable, throwError } from 'rxjs';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { isBackingServiceUnreachable } from './unreachable';
import { RequestContext } from '../context/request-context';

/** Base of every problem `type`; the slugs below never change once published. */
export const PROBLEM_BASE = 'https://postmagiq.dev/problems/';

export const ProblemTypes = {
  validation: `${PROBLEM_BASE}validation-error`,
  unauthorized: `${PROBLEM_BASE}unauthorized`,
  paymentRequired: `${PROBLEM_BASE}payment-required`,
  forbidden: `${PROBLEM_BASE}forbidden`,
  notFound: `${PROBLEM_BASE}not-found`,
  methodNotAllowed: `${PROBLEM_BASE}method-not-allowed`,
  conflict: `${PROBLEM_BASE}conflict`,
  gone: `${PROBLEM_BASE}gone`,
  unprocessable: `${PROBLEM_BASE}unprocessable`,
  rateLimited: `${PROBLEM_BASE}rate-limited`,
  invalidCredentials: `${PROBLEM_BASE}invalid-credentials`,
  accountDisabled: `${PROBLEM_BASE}account-disabled`,
  tokenInvalid: `${PROBLEM_BASE}token-invalid`,
  refreshTokenReused: `${PROBLEM_BASE}refresh-token-reused`,
  lastOwner: `${PROBLEM_BASE}last-owner`,
  payloadTooLarge: `${PROBLEM_BASE}payload-too-large`,
  unavailable: `${PROBLEM_BASE}service-unavailable`,
  internal: `${PROBLEM_BASE}internal-error`,
  http: `${PROBLEM_BASE}http-error`,
} as const;

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as every error reaches a client. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export class ProblemException extends HttpException {
  constructor(
    readonly problem: Omit<ProblemDetails, 'instance' | 'requestId'>,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function make(status: number, type: string, detail?: string, title?: string): ProblemException {
  return new ProblemException({
    type,
    status,
    title: title ?? titles[status] ?? 'Error',
    ...(detail ? { detail } : {}),
  });
}

/** Shorthands so services throw problems, not bare HttpExceptions. */
export const Problems = {
  validation: (errors: FieldError[]) =>
    new ProblemException({
      type: ProblemTypes.validation,
      status: 400,
      title: 'Invalid request',
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
    }),
  unauthorized: (detail = 'authentication required', type: string = ProblemTypes.unauthorized) =>
    make(401, type, detail),
  /**
   * Not enough credit. `extensions` are RFC 9457 extension members (how much was needed, what
   * there is); they reach the client beside the standard members.
   */
  paymentRequired: (detail: string, extensions: Record<string, unknown> = {}) =>
    new ProblemException({
      ...extensions,
      type: ProblemTypes.paymentRequired,
      status: 402,
      title: 'Payment Required',
      detail,
    } as ProblemDetails),
  forbidden: (detail = 'not allowed') => make(403, ProblemTypes.forbidden, detail),
  notFound: (what = 'resource') => make(404, ProblemTypes.notFound, `${what} not found`),
  conflict: (detail: string, type: string = ProblemTypes.conflict) => make(409, type, detail),
  gone: (detail: string) => make(410, ProblemTypes.gone, detail),
  /** A well-formed request the resource cannot take as it is (e.g. an idempotency key reused for another request). */
  unprocessable: (detail: string) => make(422, ProblemTypes.unprocessable, detail),
  rateLimited: (retryAfterSeconds: number) =>
    new ProblemException(
      {
        type: ProblemTypes.rateLimited,
        status: 429,
        title: 'Too Many Requests',
        detail: `retry in ${retryAfterSeconds}s`,
      },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  unavailable: (detail: string) => make(503, ProblemTypes.unavailable, detail),
};

const UNREACHABLE_DETAIL = 'a backing service is unreachable; try again';

/** Converts anything thrown into problem+json; 5xx details are logged, never sent. */
export function toProblem(exception: unknown): {
  problem: ProblemDetails;
  headers: Record<string, string>;
} {
  if (exception instanceof ProblemException) {
    return { problem: { ...exception.problem }, headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : typeof (body as { message?: unknown }).message === 'string'
          ? (body as { message: string }).message
          : exception.message;
    const type =
      status === 404
        ? ProblemTypes.notFound
        : status === 413
          ? ProblemTypes.payloadTooLarge
          : status === 400
            ? ProblemTypes.validation
            : ProblemTypes.http;
    return {
      problem: { type, status, title: titles[status] ?? 'Error', detail: message },
      headers: {},
    };
  }
  // body-parser errors (malformed JSON, too large) carry a status and expose=true
  const err = exception as {
    status?: number;
    statusCode?: number;
    expose?: boolean;
    message?: string;
    type?: string;
  };
  const status = err?.status ?? err?.statusCode;
  if (status && status >= 400 && status < 500 && err.expose) {
    const isJson = err.type === 'entity.parse.failed';
    return {
      problem: {
        type: status === 413 ? ProblemTypes.payloadTooLarge : ProblemTypes.validation,
        status,
        title: titles[status] ?? 'Bad Request',
        detail: isJson ? 'body: malformed JSON' : (err.message ?? 'bad request'),
        ...(isJson ? { errors: [{ field: 'body', message: 'malformed JSON' }] } : {}),
      },
      headers: {},
    };
  }
  // Postgres, Redis or NATS unreachable (restarting, say): the client may try again shortly
  if (isBackingServiceUnreachable(exception)) {
    return {
      problem: {
        type: ProblemTypes.unavailable,
        status: HttpStatus.SERVICE_UNAVAILABLE,
        title: 'Service Unavailable',
        detail: UNREACHABLE_DETAIL,
      },
      headers: { 'Retry-After': '2' },
    };
  }
  return {
    problem: {
      type: ProblemTypes.internal,
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      title: 'Internal Server Error',
    },
    headers: {},
  };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // NATS and other RPC: hand the error back to the transport as an observable error, which it
    // replies with (a synchronous throw from a filter is lost when no interceptor wraps the handler)
    if (host.getType() !== 'http') {
      // the caller (NatsRpcClient) turns this reply back into a BackingServiceUnreachableError,
      // so an away database answers 503 however many services the request crossed
      if (isBackingServiceUnreachable(exception))
        return throwError(() => ({ status: 503, message: UNREACHABLE_DETAIL }));
      return throwError(() => exception);
    }
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { problem, headers } = toProblem(exception);
    if (problem.status >= 500)
      this.logger.error(exception instanceof Error ? exception : String(exception));
    problem.instance = req.originalUrl ?? req.url;
    const requestId = RequestContext.get()?.requestId;
    if (requestId) problem.requestId = requestId;
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
