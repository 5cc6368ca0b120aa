import { HttpErrorResponse } from '@angular/common/http';

/** Problem `type`s the console reacts to (the API's stable RFC 9457 slugs). */
export const PROBLEM_BASE = 'https://postmagiq.dev/problems/';
export const ProblemType = {
  validation: `${PROBLEM_BASE}validation-error`,
  refreshTokenReused: `${PROBLEM_BASE}refresh-token-reused`,
  notFound: `${PROBLEM_BASE}not-found`,
} as const;

/** An API failure as the console shows it: a sentence, and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Field path (`email`, `limits.cost`) → message, from a 400's `errors`. */
    readonly fieldErrors: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

interface ProblemBody {
  type?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

/** Turns whatever HttpClient threw into an ApiError (problem+json when the server sent one). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0)
      return new ApiError(
        0,
        'network',
        'The server cannot be reached. Check your connection and try again.',
      );
    const body = (
      typeof error.error === 'object' && error.error !== null ? error.error : {}
    ) as ProblemBody;
    const fieldErrors: Record<string, string> = {};
    if (Array.isArray(body.errors)) {
      for (const e of body.errors as Array<{ field?: unknown; message?: unknown }>) {
        if (
          typeof e.field === 'string' &&
          typeof e.message === 'string' &&
          !(e.field in fieldErrors)
        ) {
          fieldErrors[e.field] = e.message;
        }
      }
    }
    const message =
      (typeof body.detail === 'string' && body.detail) ||
      (typeof body.title === 'string' && body.title) ||
      `Request failed (${error.status})`;
    return new ApiError(
      error.status,
      typeof body.type === 'string' ? body.type : 'http',
      message,
      fieldErrors,
    );
  }
  if (error instanceof Error) return new ApiError(-1, 'client', error.message);
  return new ApiError(-1, 'client', String(error));
}
