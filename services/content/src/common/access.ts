import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { Principal, Scopes, WorkspaceRoles } from '@postmagiq/platform';

/*
 * Who may do what with content. Every controller carries `@CanRead()`; writing and deleting
 * routes narrow it. Viewers read, editors also write, admins and owners also delete.
 */

export const CanRead = () => Scopes('content:read');

export const CanWrite = () =>
  applyDecorators(
    Scopes('content:write'),
    WorkspaceRoles('owner', 'admin', 'editor'),
    ApiForbiddenResponse({ description: 'needs content:write (editor, admin or owner)' }),
  );

export const CanDelete = () =>
  applyDecorators(
    Scopes('content:delete'),
    WorkspaceRoles('owner', 'admin'),
    ApiForbiddenResponse({ description: 'needs content:delete (admin or owner)' }),
  );

/** The workspace of the caller's access token: every content query is scoped by it. */
export const WorkspaceId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('WorkspaceId used on a public route');
  return req.principal.workspaceId;
});
