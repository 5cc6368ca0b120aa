import type { Scope, SystemRole, WorkspaceRole } from '@postmagiq/contracts';

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  userId: string;
  role: SystemRole;
  workspaceId: string;
  workspaceRole: WorkspaceRole;
  scopes: Scope[];
  sessionId: string;
  issuedAt: number;
}
