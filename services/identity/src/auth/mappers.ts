import type { User, Workspace } from '@postmagiq/contracts';
import type { UserEntity } from '../entities/user.entity';
import type { WorkspaceEntity } from '../entities/workspace.entity';

export function toUser(u: UserEntity): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toWorkspace(w: WorkspaceEntity): Workspace {
  return { id: w.id, name: w.name, ownerId: w.ownerId, createdAt: w.createdAt.toISOString() };
}
