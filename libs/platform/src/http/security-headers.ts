import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export type HstsMode = 'auto' | 'always' | 'off';

/** 180 days, subdomains included (helmet's default value). */
export const HSTS_VALUE = 'max-age=15552000; includeSubDomains';

/**
 * The Content-Security-Policy of every answer, suited to the Angular console served at `/` and to
 * the API docs: scripts only from this origin (no inline script, no eval); styles from this origin
 * plus inline ones, which Angular and Angular Material inject at run time as <style> elements
 * (Swagger UI's page carries one too); images and fonts also as data: URIs (Material's and Swagger
 * UI's icons); XHR, fetch and the run WebSocket to this origin; never framed (clickjacking).
 * No `upgrade-insecure-requests`: the one-machine stack is plain HTTP on a LAN address.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

/**
 * Security headers on every HTTP answer (helmet): the CSP above, `X-Content-Type-Options:
 * nosniff`, `X-Frame-Options: DENY`, no referrer, same-origin opener and resources. HSTS only when
 * the request came over TLS (`auto`: `req.secure`, which trusts X-Forwarded-Proto from the proxies
 * TRUST_PROXY names), on every answer (`always`), or never (`off`): a browser told to use HTTPS
 * for a plain-HTTP stack could not reach it again.
 */
export function securityHeaders(hsts: HstsMode): RequestHandler[] {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
  const transportSecurity = (req: Request, res: Response, next: NextFunction) => {
    if (hsts === 'always' || (hsts === 'auto' && req.secure))
      res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    next();
  };
  return [headers, transportSecurity];
}
