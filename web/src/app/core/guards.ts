import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { SessionStore } from './session.store';

/** Pages behind sign-in: without a session, go to sign-in and come back afterwards. */
export const signedInGuard: CanActivateFn = (_route, state) => {
  if (inject(SessionStore).signedIn()) return true;
  return inject(Router).createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
};

/** A route only editors and up may open (a viewer gets the dashboard instead). */
export const canWriteGuard: CanActivateFn = () =>
  inject(SessionStore).canWrite() ? true : inject(Router).createUrlTree(['/']);
