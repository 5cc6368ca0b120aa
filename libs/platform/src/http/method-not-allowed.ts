import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ProblemException, ProblemTypes } from '../errors/problem';
import { httpRoutes, routePattern } from './route-table';

/**
 * Express middleware: a request for a path the API serves, with a method it does not serve there,
 * answers 405 problem+json with `Allow` (RFC 9110), not the router's 404. The route table is read
 * from the application on the first request (routes exist only once it is initialised).
 * OPTIONS goes through (CORS preflights).
 */
export function methodNotAllowed(app: INestApplication) {
  let table: Array<{ pattern: RegExp; methods: Set<string>; params: number }> | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of httpRoutes(app)) {
      const methods = byPath.get(r.path) ?? new Set<string>();
      if (r.method === 'ALL')
        for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) methods.add(m);
      else methods.add(r.method);
      if (methods.has('GET')) methods.add('HEAD');
      byPath.set(r.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({
      pattern: routePattern(path),
      methods,
      params: path.split('/').filter((s) => s.startsWith(':')).length,
    }));
  };
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.method === 'OPTIONS') return next();
    table ??= build();
    // the most specific paths decide: `/image-prompts/preview` is its own resource, not an id
    const matching = table.filter((entry) => entry.pattern.test(req.path));
    const fewest = Math.min(...matching.map((entry) => entry.params));
    const allowed = new Set<string>();
    for (const entry of matching)
      if (entry.params === fewest) for (const m of entry.methods) allowed.add(m);
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    const allow = [...allowed].sort().join(', ');
    next(
      new ProblemException(
        {
          type: ProblemTypes.methodNotAllowed,
          status: 405,
          title: 'Method Not Allowed',
          detail: `${req.method} is not served here; allowed: ${allow}`,
        },
        { Allow: allow },
      ),
    );
  };
}
