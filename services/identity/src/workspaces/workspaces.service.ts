import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CreateInviteRequest,
  IdentitySubjects,
  Invite,
  Member,
  MyWorkspace,
  Scope,
  scopesFor,
  TokenPair,
  Workspace,
  WORKSPACE_ROLE_RANK,
  WorkspaceRole,
} from '@postmagiq/contracts';
import { Principal, Problems, ProblemTypes } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { toWorkspace } from '../auth/mappers';
import { MeCache } from '../auth/me-cache';
import { SessionService } from '../auth/session.service';
import { hashToken, newOpaqueToken } from '../auth/tokens';
import { IDENTITY_CONFIG, IdentityConfig } from '../config/identity.config';
import { IDENTITY_DB } from '../entities';
import { InviteEntity } from '../entities/invite.entity';
import { MembershipEntity } from '../entities/membership.entity';
import { UserEntity } from '../entities/user.entity';
import { WorkspaceEntity } from '../entities/workspace.entity';
import { OutboxService } from '../events/outbox.service';
import { MailQueue } from '../mail/mail';

/**
 * Workspaces, members and invites. Every operation on `/workspaces/:id` first resolves the
 * caller's membership of that workspace from the database: no membership answers 404 (the
 * workspace's existence is not revealed), a role without the needed scope answers 403.
 */
@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource(IDENTITY_DB) private readonly ds: DataSource,
    private readonly sessions: SessionService,
    private readonly outbox: OutboxService,
    private readonly mail: MailQueue,
    private readonly meCache: MeCache,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async requireMember(
    principal: Principal,
    workspaceId: string,
    scope?: Scope,
  ): Promise<MembershipEntity> {
    const membership = await this.ds.getRepository(MembershipEntity).findOne({
      where: { workspaceId, userId: principal.userId },
      relations: { workspace: true },
    });
    if (!membership?.workspace) throw Problems.notFound('workspace');
    if (scope && !scopesFor(principal.role, membership.role).includes(scope)) {
      throw Problems.forbidden(`requires scope ${scope} in this workspace`);
    }
    return membership;
  }

  async create(principal: Principal, name: string): Promise<MyWorkspace> {
    const id = randomUUID();
    const workspace = await this.ds.transaction(async (m) => {
      await m.getRepository(WorkspaceEntity).insert({ id, name, ownerId: principal.userId });
      await m
        .getRepository(MembershipEntity)
        .insert({ id: randomUUID(), workspaceId: id, userId: principal.userId, role: 'owner' });
      await this.outbox.add(m, IdentitySubjects.workspaceCreated, {
        workspaceId: id,
        name,
        ownerId: principal.userId,
      });
      await this.outbox.add(m, IdentitySubjects.memberAdded, {
        workspaceId: id,
        userId: principal.userId,
        role: 'owner',
      });
      return m.getRepository(WorkspaceEntity).findOneByOrFail({ id });
    });
    void this.outbox.flush();
    return { ...toWorkspace(workspace), role: 'owner' };
  }

  async listMine(principal: Principal): Promise<MyWorkspace[]> {
    const rows = await this.ds.getRepository(MembershipEntity).find({
      where: { userId: principal.userId },
      relations: { workspace: true },
      order: { createdAt: 'ASC' },
    });
    return rows
      .filter((r) => r.workspace)
      .map((r) => ({ ...toWorkspace(r.workspace as WorkspaceEntity), role: r.role }));
  }

  async get(principal: Principal, id: string): Promise<MyWorkspace> {
    const m = await this.requireMember(principal, id);
    return { ...toWorkspace(m.workspace as WorkspaceEntity), role: m.role };
  }

  async rename(principal: Principal, id: string, name: string): Promise<Workspace> {
    const m = await this.requireMember(principal, id, 'team:manage');
    await this.ds.getRepository(WorkspaceEntity).update({ id }, { name });
    this.meCache.forgetWorkspace(id);
    return toWorkspace({ ...(m.workspace as WorkspaceEntity), name });
  }

  /** New tokens for another workspace of the caller (a new session; the current one stays). */
  async switchTo(principal: Principal, id: string, ip?: string): Promise<TokenPair> {
    const m = await this.requireMember(principal, id);
    const user = await this.ds.getRepository(UserEntity).findOneByOrFail({ id: principal.userId });
    await this.ds.getRepository(UserEntity).update({ id: user.id }, { lastWorkspaceId: id });
    return this.sessions.issue(user, m.workspace as WorkspaceEntity, m.role, ip ? { ip } : {});
  }

  async members(principal: Principal, id: string): Promise<Member[]> {
    await this.requireMember(principal, id, 'team:read');
    const rows = await this.ds.getRepository(MembershipEntity).find({
      where: { workspaceId: id },
      relations: { user: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => ({
      userId: r.userId,
      email: r.user?.email ?? '',
      name: r.user?.name ?? '',
      role: r.role,
      joinedAt: r.createdAt.toISOString(),
    }));
  }

  async changeRole(
    principal: Principal,
    id: string,
    userId: string,
    role: WorkspaceRole,
  ): Promise<Member> {
    const actor = await this.requireMember(principal, id, 'team:manage');
    const { previous, target } = await this.ds.transaction(async (m) => {
      const target = await this.lockedMembership(m, id, userId);
      const previous = target.role;
      // only owners hand out or take away ownership
      if ((role === 'owner' || previous === 'owner') && actor.role !== 'owner') {
        throw Problems.forbidden('only an owner can grant or remove the owner role');
      }
      if (previous === 'owner' && role !== 'owner') await this.assertAnotherOwner(m, id, userId);
      if (previous !== role) {
        await m.getRepository(MembershipEntity).update({ id: target.id }, { role });
        await this.outbox.add(m, IdentitySubjects.memberRoleChanged, {
          workspaceId: id,
          userId,
          role,
          previousRole: previous,
        });
      }
      return { previous, target };
    });
    void this.outbox.flush();
    this.meCache.forgetUser(userId);
    // the member's current tokens carry the old role: end their sessions in this workspace
    if (previous !== role && WORKSPACE_ROLE_RANK[role] < WORKSPACE_ROLE_RANK[previous]) {
      await this.sessions.revokeUserSessions(userId, { workspaceId: id });
    }
    const user = await this.ds.getRepository(UserEntity).findOneByOrFail({ id: userId });
    return {
      userId,
      email: user.email,
      name: user.name,
      role,
      joinedAt: target.createdAt.toISOString(),
    };
  }

  /** Removes a member (or lets the caller leave). The last owner can do neither. */
  async removeMember(principal: Principal, id: string, userId: string): Promise<void> {
    const self = userId === principal.userId;
    const actor = await this.requireMember(principal, id, self ? undefined : 'team:manage');
    await this.ds.transaction(async (m) => {
      const target = await this.lockedMembership(m, id, userId);
      if (target.role === 'owner' && !self && actor.role !== 'owner') {
        throw Problems.forbidden('only an owner can remove an owner');
      }
      if (target.role === 'owner') await this.assertAnotherOwner(m, id, userId);
      await m.getRepository(MembershipEntity).delete({ id: target.id });
      await this.outbox.add(m, IdentitySubjects.memberRemoved, { workspaceId: id, userId });
    });
    void this.outbox.flush();
    this.meCache.forgetUser(userId);
    await this.sessions.revokeUserSessions(userId, { workspaceId: id });
  }

  async invite(principal: Principal, id: string, input: CreateInviteRequest): Promise<Invite> {
    const actor = await this.requireMember(principal, id, 'team:manage');
    if (WORKSPACE_ROLE_RANK[input.role] > WORKSPACE_ROLE_RANK[actor.role]) {
      throw Problems.forbidden('cannot invite with a role above your own');
    }
    const already = await this.ds.query<unknown[]>(
      `SELECT 1 FROM "identity"."memberships" m JOIN "identity"."users" u ON u."id" = m."user_id"
        WHERE m."workspace_id" = $1 AND u."email" = $2`,
      [id, input.email],
    );
    if (already.length > 0) throw Problems.conflict(`${input.email} is already a member`);
    const token = newOpaqueToken();
    const invite: InviteEntity = {
      id: randomUUID(),
      workspaceId: id,
      email: input.email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: principal.userId,
      expiresAt: new Date(Date.now() + this.config.INVITE_TTL_HOURS * 3_600_000),
      acceptedAt: null,
      acceptedBy: null,
      revokedAt: null,
      createdAt: new Date(),
    };
    await this.ds.getRepository(InviteEntity).insert(invite);
    const inviter = await this.ds
      .getRepository(UserEntity)
      .findOneByOrFail({ id: principal.userId });
    const link = `${this.config.APP_BASE_URL.replace(/\/$/, '')}/invites/accept?token=${encodeURIComponent(token)}`;
    await this.mail.send(`invite.${invite.id}`, {
      to: input.email,
      subject: `${inviter.name} invited you to ${(actor.workspace as WorkspaceEntity).name} on Postmagiq`,
      text: `${inviter.name} invited you to join the workspace "${(actor.workspace as WorkspaceEntity).name}" as ${input.role}.\n\nAccept within ${this.config.INVITE_TTL_HOURS} hours (log in or register with ${input.email} first):\n\n${link}\n\nThe link works once.\n`,
    });
    return toInvite(invite);
  }

  async invites(principal: Principal, id: string): Promise<Invite[]> {
    await this.requireMember(principal, id, 'team:manage');
    const rows = await this.ds.getRepository(InviteEntity).find({
      where: { workspaceId: id, acceptedAt: IsNull(), revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    return rows.map(toInvite);
  }

  async revokeInvite(principal: Principal, id: string, inviteId: string): Promise<void> {
    await this.requireMember(principal, id, 'team:manage');
    const result = await this.ds
      .getRepository(InviteEntity)
      .update(
        { id: inviteId, workspaceId: id, acceptedAt: IsNull(), revokedAt: IsNull() },
        { revokedAt: new Date() },
      );
    if (!result.affected) throw Problems.notFound('invite');
  }

  /** Single use: the conditional UPDATE lets exactly one acceptance through. */
  async accept(principal: Principal, token: string, ip?: string): Promise<TokenPair> {
    const user = await this.ds.getRepository(UserEntity).findOneByOrFail({ id: principal.userId });
    const outcome = await this.ds.transaction(async (m) => {
      const claimed = await m.query<[InviteRow[], number] | InviteRow[]>(
        `UPDATE "identity"."invites" SET "accepted_at" = now(), "accepted_by" = $2
          WHERE "token_hash" = $1 AND "accepted_at" IS NULL AND "revoked_at" IS NULL AND "expires_at" > now()
            AND "email" = $3
          RETURNING "workspace_id", "role"`,
        [hashToken(token), user.id, user.email],
      );
      const rows = (Array.isArray(claimed[0]) ? claimed[0] : claimed) as InviteRow[];
      const row = rows[0];
      if (!row) return null;
      const existing = await m
        .getRepository(MembershipEntity)
        .findOneBy({ workspaceId: row.workspace_id, userId: user.id });
      if (!existing) {
        await m.getRepository(MembershipEntity).insert({
          id: randomUUID(),
          workspaceId: row.workspace_id,
          userId: user.id,
          role: row.role,
        });
        await this.outbox.add(m, IdentitySubjects.memberAdded, {
          workspaceId: row.workspace_id,
          userId: user.id,
          role: row.role,
        });
      }
      await m
        .getRepository(UserEntity)
        .update({ id: user.id }, { lastWorkspaceId: row.workspace_id });
      const workspace = await m
        .getRepository(WorkspaceEntity)
        .findOneByOrFail({ id: row.workspace_id });
      return { workspace, role: existing?.role ?? row.role };
    });
    if (!outcome)
      throw Problems.gone('invite is invalid, expired, already used, or for another email');
    void this.outbox.flush();
    return this.sessions.issue(user, outcome.workspace, outcome.role, ip ? { ip } : {});
  }

  /**
   * The member's row, locked, after the workspace's row: membership changes of one workspace take
   * turns, so two owners demoting or removing each other at once cannot both count the other as
   * the remaining owner. (NO KEY UPDATE: inserts referencing the workspace are not blocked.)
   */
  private async lockedMembership(
    m: EntityManager,
    workspaceId: string,
    userId: string,
  ): Promise<MembershipEntity> {
    await m.query(`SELECT 1 FROM "identity"."workspaces" WHERE "id" = $1 FOR NO KEY UPDATE`, [
      workspaceId,
    ]);
    const target = await m
      .getRepository(MembershipEntity)
      .createQueryBuilder('ms')
      .setLock('pessimistic_write')
      .where('ms.workspace_id = :workspaceId AND ms.user_id = :userId', { workspaceId, userId })
      .getOne();
    if (!target) throw Problems.notFound('member');
    return target;
  }

  private async assertAnotherOwner(
    m: EntityManager,
    workspaceId: string,
    userId: string,
  ): Promise<void> {
    const owners = await m.query<{ n: string }[]>(
      `SELECT count(*)::text AS n FROM "identity"."memberships" WHERE "workspace_id" = $1 AND "role" = 'owner' AND "user_id" <> $2`,
      [workspaceId, userId],
    );
    if (Number(owners[0]?.n ?? 0) === 0) {
      throw Problems.conflict(
        'the last owner cannot leave or be demoted; make someone else owner first',
        ProblemTypes.lastOwner,
      );
    }
  }
}

interface InviteRow {
  workspace_id: string;
  role: WorkspaceRole;
}

function toInvite(i: InviteEntity): Invite {
  return {
    id: i.id,
    workspaceId: i.workspaceId,
    email: i.email,
    role: i.role,
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: i.acceptedAt ? i.acceptedAt.toISOString() : null,
    createdAt: i.createdAt.toISOString(),
  };
}
