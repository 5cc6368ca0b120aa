import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { SessionStore } from './session.store';

/** Routes that take no access token (they are how one gets one). */
const PUBLIC = /^\/api\/auth\/(login|register|refresh|password-reset)/;

const withToken = (req: HttpRequest<unknown>, token: string | null) =>
  token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;

/**
 * Adds the access token to API calls (refreshing it first when it is about to expire); a 401 on a
 * call that carried a token refreshes once and retries, so a token revoked server-side (password
 * change elsewhere) either recovers or ends the session with the reason.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!req.url.startsWith('/api/') || PUBLIC.test(req.url)) return next(req);
  const session = inject(SessionStore);
  if (!session.signedIn()) return next(req);
  return from(session.accessToken()).pipe(
    switchMap((token) => next(withToken(req, token))),
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401 || !session.signedIn()) {
        return throwError(() => error);
      }
      return from(session.refresh()).pipe(switchMap((token) => next(withToken(req, token))));
    }),
  );
};
