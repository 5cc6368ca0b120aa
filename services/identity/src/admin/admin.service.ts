import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AdminUser,
  AdminWorkspace,
  FeatureFlag,
  IdentitySubjects,
  MyFeatureFlags,
  PageQuery,
  SYSTEM_ROLE_RANK,
  SystemRole,
  UpdateFeatureFlagRequest,
} from '@postmagiq/contracts';
import { Principal, Problems, ProblemTypes } from '@postmagiq/platform';
import { DataSource, EntityManager } from 'typeorm';
import { toUser, toWorkspace } from '../auth/mappers';
import { MeCache } from '../auth/me-cache';
import { SessionService } from '../auth/session.service';
import { IDENTITY_DB } from '../entities';
import { FeatureFlagEntity } from '../entities/feature-flag.entity';
import { UserEntity } from '../entities/user.entity';
import { WorkspaceEntity } from '../entities/workspace.entity';
import { OutboxService } from '../events/outbox.service';

/** Ids of the system owners who can still log in, their rows locked until the transaction ends. */
async function lockActiveOwners(m: EntityManager): Promise<string[]> {
  const rows = await m.query<{ id: string }[]>(
    `SELECT "id" FROM "identity"."users" WHERE "role" = 'owner' AND "disabled_at" IS NULL ORDER BY "id" FOR UPDATE`,
  );
  return rows.map((r) => r.id);
}

const lastSystemOwner = () =>
  Problems.conflict(
    'the last system owner cannot be demoted or disabled; make someone else owner first',
    ProblemTypes.lastOwner,
  );

/** The `admin:system` area: users, workspaces, disabling accounts, feature flags. */
@Injectable()
export class AdminService {
  constructor(
    @InjectDataSource(IDENTITY_DB) private readonly ds: DataSource,
    private readonly sessions: SessionService,
    private readonly outbox: OutboxService,
    private readonly meCache: MeCache,
  ) {}

  async users(page: PageQuery): Promise<AdminUser[]> {
    const users = await this.ds
      .getRepository(UserEntity)
      .find({ order: { createdAt: 'ASC' }, take: page.limit, skip: page.offset });
    const counts = await this.countBy(
      'user_id',
      users.map((u) => u.id),
    );
    return users.map((u) => ({ ...toUser(u), workspaceCount: counts.get(u.id) ?? 0 }));
  }

  async workspaces(page: PageQuery): Promise<AdminWorkspace[]> {
    const rows = await this.ds
      .getRepository(WorkspaceEntity)
      .find({ order: { createdAt: 'ASC' }, take: page.limit, skip: page.offset });
    const counts = await this.countBy(
      'workspace_id',
      rows.map((w) => w.id),
    );
    return rows.map((w) => ({ ...toWorkspace(w), memberCount: counts.get(w.id) ?? 0 }));
  }

  private async countBy(
    column: 'user_id' | 'workspace_id',
    ids: string[],
  ): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ds.query<{ id: string; n: string }[]>(
      `SELECT "${column}" AS id, count(*)::text AS n FROM "identity"."memberships" WHERE "${column}" = ANY($1::uuid[]) GROUP BY "${column}"`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }

  /** A disabled user cannot log in or refresh, and every access token already issued is refused. */
  async disable(actor: Principal, userId: string): Promise<AdminUser> {
    if (userId === actor.userId) throw Problems.conflict('you cannot disable yourself');
    const disabled = await this.ds.transaction(async (m) => {
      const owners = await lockActiveOwners(m);
      const user = await m.getRepository(UserEntity).findOneBy({ id: userId });
      if (!user) throw Problems.notFound('user');
      if (user.role === 'owner' && !owners.includes(actor.userId)) {
        throw Problems.forbidden('only a system owner can disable an owner');
      }
      if (user.disabledAt) return false;
      if (user.role === 'owner' && !owners.some((id) => id !== user.id)) throw lastSystemOwner();
      await m.getRepository(UserEntity).update({ id: userId }, { disabledAt: new Date() });
      await this.outbox.add(m, IdentitySubjects.userDisabled, { userId });
      return true;
    });
    if (disabled) void this.outbox.flush();
    await this.sessions.blockUser(userId);
    this.meCache.forgetUser(userId);
    await this.sessions.revokeUserSessions(userId);
    return this.user(userId);
  }

  /**
   * A system owner gives a user a system role. The enabled owners' rows are locked before they are
   * counted, so two owners demoting (or disabling) each other at once cannot leave the
   * installation without one, and the actor must still be one of them: the token's role claim may
   * be up to 15 minutes old. A demoted user's sessions end (their tokens carry the old scopes).
   */
  setSystemRole(actor: Principal, userId: string, role: SystemRole): Promise<AdminUser> {
    if (actor.role !== 'owner')
      throw Problems.forbidden('only a system owner can change system roles');
    return this.changeSystemRole({ id: userId }, role, actor.userId);
  }

  /**
   * The operator's way in (`grant-system-role.main.ts`): makes the account with this email a
   * system owner or admin when no one can yet, e.g. identity deployed alone on Kubernetes.
   */
  grantSystemRole(email: string, role: SystemRole): Promise<AdminUser> {
    return this.changeSystemRole({ email }, role, null);
  }

  private async changeSystemRole(
    who: { id: string } | { email: string },
    role: SystemRole,
    actorId: string | null,
  ): Promise<AdminUser> {
    const previous = await this.ds.transaction(async (m) => {
      const owners = await lockActiveOwners(m);
      if (actorId !== null && !owners.includes(actorId)) {
        throw Problems.forbidden('only a system owner can change system roles');
      }
      const user = await m.getRepository(UserEntity).findOneBy(who);
      if (!user) throw Problems.notFound('user');
      if (user.role === 'owner' && role !== 'owner' && !owners.some((id) => id !== user.id))
        throw lastSystemOwner();
      if (user.role !== role) await m.getRepository(UserEntity).update({ id: user.id }, { role });
      return { id: user.id, role: user.role };
    });
    this.meCache.forgetUser(previous.id);
    if (SYSTEM_ROLE_RANK[role] < SYSTEM_ROLE_RANK[previous.role])
      await this.sessions.revokeUserSessions(previous.id);
    return this.user(previous.id);
  }

  async enable(userId: string): Promise<AdminUser> {
    const result = await this.ds
      .getRepository(UserEntity)
      .update({ id: userId }, { disabledAt: null });
    if (!result.affected) throw Problems.notFound('user');
    await this.sessions.unblockUser(userId);
    return this.user(userId);
  }

  private async user(id: string): Promise<AdminUser> {
    const u = await this.ds.getRepository(UserEntity).findOneByOrFail({ id });
    const counts = await this.countBy('user_id', [id]);
    return { ...toUser(u), workspaceCount: counts.get(id) ?? 0 };
  }

  async flags(): Promise<FeatureFlag[]> {
    const rows = await this.ds.getRepository(FeatureFlagEntity).find({ order: { key: 'ASC' } });
    return rows.map((f) => ({
      key: f.key,
      description: f.description,
      systemRoles: f.systemRoles,
      workspaceRoles: f.workspaceRoles,
    }));
  }

  async updateFlag(key: string, input: UpdateFeatureFlagRequest): Promise<FeatureFlag> {
    const result = await this.ds
      .getRepository(FeatureFlagEntity)
      .update({ key }, { systemRoles: input.systemRoles, workspaceRoles: input.workspaceRoles });
    if (!result.affected) throw Problems.notFound('feature flag');
    const f = await this.ds.getRepository(FeatureFlagEntity).findOneByOrFail({ key });
    return {
      key: f.key,
      description: f.description,
      systemRoles: f.systemRoles,
      workspaceRoles: f.workspaceRoles,
    };
  }

  /** Flags as the console reads them: on when the caller's system or workspace role is listed. */
  async myFlags(principal: Principal): Promise<MyFeatureFlags> {
    const flags = await this.flags();
    return {
      flags: Object.fromEntries(
        flags.map((f) => [
          f.key,
          f.systemRoles.includes(principal.role) ||
            f.workspaceRoles.includes(principal.workspaceRole),
        ]),
      ),
    };
  }
}
