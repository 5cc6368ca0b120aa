import type { INestApplication } from '@nestjs/common';
import { listRoutes } from '../auth/route-audit';

/** Every service serves its API under this prefix; the paths below stay at the root for probes. */
export const API_PREFIX = 'api';
export const UNPREFIXED_PATHS = ['/health/live', '/health/ready'];

export interface HttpRoute {
  method: string;
  /** As a client requests it, with the prefix and Express-style parameters (`/api/posts/:id`). */
  path: string;
  isPublic: boolean;
  /** Path parameters that must be UUIDs. */
  uuidParams: string[];
}

/** The application's routes as a client sees them (prefix included). Call after `init`. */
export function httpRoutes(app: INestApplication): HttpRoute[] {
  return listRoutes(app).map((r) => ({
    method: r.method,
    path: UNPREFIXED_PATHS.includes(r.path)
      ? r.path
      : `/${API_PREFIX}${r.path === '/' ? '' : r.path}`,
    isPublic: r.isPublic,
    uuidParams: r.uuidParams,
  }));
}

/** `/api/posts/:id` → a RegExp matching `/api/posts/<one segment>` (with or without a final slash). */
export function routePattern(path: string): RegExp {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^/${segments.join('/')}/?$`);
}

/** `/api/posts/:id` → `/api/posts/{id}` (how OpenAPI writes it). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
