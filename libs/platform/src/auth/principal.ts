import type { Scope, SystemRole, WorkspaceRole } from '@postmagiq/contracts';

/** Who is calling, as proven by a verified access token (shared between requests: read-only). */
export interface Principal {
  readonly userId: string;
  readonly role: SystemRole;
  readonly workspaceId: string;
  readonly workspaceRole: WorkspaceRole;
  readonly scopes: readonly Scope[];
  readonly sessionId: string;
  readonly issuedAt: number;
}
