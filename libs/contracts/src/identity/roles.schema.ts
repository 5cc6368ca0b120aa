import { z } from 'zod';

/** System-wide role of a user account (SaaS operator level). */
export const SystemRoleSchema = z.enum(['owner', 'admin', 'user']);
export type SystemRole = z.infer<typeof SystemRoleSchema>;

/** Role of a user inside one workspace, strongest first. */
export const WorkspaceRoleSchema = z.enum(['owner', 'admin', 'editor', 'viewer']);
export type WorkspaceRole = z.infer<typeof WorkspaceRoleSchema>;

export const ScopeSchema = z.enum([
  'content:read',
  'content:write',
  'content:delete',
  'team:read',
  'team:manage',
  'billing:read',
  'billing:manage',
  'admin:system',
]);
export type Scope = z.infer<typeof ScopeSchema>;

/** What each workspace role may do; the access token carries the union with the system role's. */
export const WORKSPACE_ROLE_SCOPES: Readonly<Record<WorkspaceRole, readonly Scope[]>> = {
  owner: [
    'content:read',
    'content:write',
    'content:delete',
    'team:read',
    'team:manage',
    'billing:read',
    'billing:manage',
  ],
  admin: [
    'content:read',
    'content:write',
    'content:delete',
    'team:read',
    'team:manage',
    'billing:read',
  ],
  editor: ['content:read', 'content:write', 'team:read'],
  viewer: ['content:read', 'team:read'],
};

export const SYSTEM_ROLE_SCOPES: Readonly<Record<SystemRole, readonly Scope[]>> = {
  owner: ['admin:system'],
  admin: ['admin:system'],
  user: [],
};

/** Rank used for "at least" comparisons: owner > admin > editor > viewer. */
export const WORKSPACE_ROLE_RANK: Readonly<Record<WorkspaceRole, number>> = {
  owner: 4,
  admin: 3,
  editor: 2,
  viewer: 1,
};

/** Rank of system roles: owner > admin > user. */
export const SYSTEM_ROLE_RANK: Readonly<Record<SystemRole, number>> = {
  owner: 3,
  admin: 2,
  user: 1,
};

export function scopesFor(systemRole: SystemRole, workspaceRole: WorkspaceRole | null): Scope[] {
  const set = new Set<Scope>(SYSTEM_ROLE_SCOPES[systemRole]);
  if (workspaceRole) for (const s of WORKSPACE_ROLE_SCOPES[workspaceRole]) set.add(s);
  return ScopeSchema.options.filter((s) => set.has(s));
}
