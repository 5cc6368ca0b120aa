import { INestApplication, ParseUUIDPipe, RequestMethod } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Scope, WorkspaceRole } from '@postmagiq/contracts';
import { IS_PUBLIC, REQUIRED_SCOPES, REQUIRED_WORKSPACE_ROLES } from './decorators';

export interface RouteInfo {
  controller: string;
  handler: string;
  method: string;
  path: string;
  isPublic: boolean;
  /** `@Scopes(...)` of the handler or its controller (the handler's win), or none. */
  scopes: Scope[] | undefined;
  /** `@WorkspaceRoles(...)` of the handler or its controller (the handler's win), or none. */
  roles: WorkspaceRole[] | undefined;
  /** Path parameters parsed by a ParseUUIDPipe (documented as `format: uuid`). */
  uuidParams: string[];
}

/**
 * Every HTTP route of an application with whether it is `@Public()` and the scopes and workspace
 * roles it requires, as the access guard reads them. The guard is global, so a route is guarded
 * unless public; each service's "guarded by default" test asserts that the public ones are
 * exactly the expected list and audits the others' scopes and roles from this listing.
 */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = new MetadataScanner();
  const reflector = app.get(Reflector);
  const out: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const proto = Object.getPrototypeOf(instance) as object;
    const base = String(Reflect.getMetadata('path', wrapper.metatype) ?? '');
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = (proto as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata('path', handler) as string | undefined;
      if (path === undefined) continue;
      const method = Reflect.getMetadata('method', handler) as RequestMethod;
      const targets = [handler as () => void, wrapper.metatype];
      out.push({
        controller: wrapper.metatype.name,
        handler: name,
        method: RequestMethod[method] ?? String(method),
        path: `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`,
        isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        scopes: reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets),
        roles: reflector.getAllAndOverride<WorkspaceRole[] | undefined>(
          REQUIRED_WORKSPACE_ROLES,
          targets,
        ),
        uuidParams: uuidParams(wrapper.metatype, name),
      });
    }
  }
  return out;
}

/** Nest keeps a handler's parameter decorators (with their pipes) on the controller class. */
function uuidParams(controller: object, method: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    { data?: unknown; pipes?: unknown[] }
  >;
  return Object.entries(args)
    .filter(
      ([key, arg]) =>
        key.startsWith(`${RouteParamtypes.PARAM}:`) &&
        typeof arg.data === 'string' &&
        (arg.pipes ?? []).some((p) => p instanceof ParseUUIDPipe),
    )
    .map(([, arg]) => arg.data as string);
}
