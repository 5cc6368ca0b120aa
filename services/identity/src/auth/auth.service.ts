import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ChangePasswordRequest,
  IdentitySubjects,
  LoginRequest,
  MeResponse,
  PasswordResetConfirm,
  RegisterRequest,
  TokenPair,
} from '@postmagiq/contracts';
import { Principal, Problems, ProblemTypes } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { IDENTITY_CONFIG, IdentityConfig } from '../config/identity.config';
import { IDENTITY_DB } from '../entities';
import { MembershipEntity } from '../entities/membership.entity';
import { PasswordResetEntity } from '../entities/password-reset.entity';
import { UserEntity } from '../entities/user.entity';
import { WorkspaceEntity } from '../entities/workspace.entity';
import { OutboxService } from '../events/outbox.service';
import { MailQueue } from '../mail/mail';
import { MeCache } from './me-cache';
import { toUser, toWorkspace } from './mappers';
import { PasswordHasher } from './password-hasher';
import { SessionService } from './session.service';
import { hashToken, newOpaqueToken } from './tokens';

const INVALID_CREDENTIALS = () =>
  Problems.unauthorized('invalid email or password', ProblemTypes.invalidCredentials);

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource(IDENTITY_DB) private readonly ds: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly outbox: OutboxService,
    private readonly mail: MailQueue,
    private readonly meCache: MeCache,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** A user and the personal workspace they own, in one transaction (hashing happens before it). */
  async register(
    input: RegisterRequest,
    ip?: string,
    systemRole: UserEntity['role'] = 'user',
  ): Promise<TokenPair> {
    const passwordHash = await this.hasher.hash(input.password);
    const userId = randomUUID();
    const workspaceId = randomUUID();
    const result = await this.ds.transaction(async (m) => {
      const inserted = await m.query<{ id: string }[]>(
        `INSERT INTO "identity"."users" ("id", "email", "name", "password_hash", "role", "last_workspace_id")
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("email") DO NOTHING RETURNING "id"`,
        [userId, input.email, input.name, passwordHash, systemRole, workspaceId],
      );
      if (inserted.length === 0) return null;
      await m
        .getRepository(WorkspaceEntity)
        .insert({ id: workspaceId, name: `${input.name}'s workspace`, ownerId: userId });
      await m
        .getRepository(MembershipEntity)
        .insert({ id: randomUUID(), workspaceId, userId, role: 'owner' });
      await this.outbox.add(m, IdentitySubjects.userRegistered, {
        userId,
        email: input.email,
        name: input.name,
        workspaceId,
      });
      await this.outbox.add(m, IdentitySubjects.workspaceCreated, {
        workspaceId,
        name: `${input.name}'s workspace`,
        ownerId: userId,
      });
      await this.outbox.add(m, IdentitySubjects.memberAdded, {
        workspaceId,
        userId,
        role: 'owner',
      });
      const user = await m.getRepository(UserEntity).findOneByOrFail({ id: userId });
      const workspace = await m.getRepository(WorkspaceEntity).findOneByOrFail({ id: workspaceId });
      return this.sessions.issue(user, workspace, 'owner', { manager: m, ...(ip ? { ip } : {}) });
    });
    if (!result) throw Problems.conflict('an account with this email already exists');
    void this.outbox.flush();
    return result;
  }

  /** Unknown email and wrong password answer identically, in the same time. */
  async login(input: LoginRequest, ip?: string): Promise<TokenPair> {
    const user = await this.ds.getRepository(UserEntity).findOneBy({ email: input.email });
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    if (!user || !ok) throw INVALID_CREDENTIALS();
    if (user.disabledAt)
      throw Problems.unauthorized('account disabled', ProblemTypes.accountDisabled);
    const target = await this.sessions.resolveWorkspace(
      user,
      input.workspaceId ?? user.lastWorkspaceId,
    );
    if (!target || (input.workspaceId && target.workspace.id !== input.workspaceId))
      throw Problems.notFound('workspace');
    return this.sessions.issue(user, target.workspace, target.role, ip ? { ip } : {});
  }

  refresh(refreshToken: string, ip?: string): Promise<TokenPair> {
    return this.sessions.rotate(refreshToken, ip);
  }

  /** Ends the caller's session (and the one of the given refresh token, if another). */
  async logout(principal: Principal, refreshToken?: string): Promise<void> {
    await this.sessions.revokeFamilies([principal.sessionId]);
    if (refreshToken) await this.sessions.revokeByToken(refreshToken);
  }

  me(principal: Principal): Promise<MeResponse> {
    return this.meCache.getOrLoad(principal.userId, principal.workspaceId, () =>
      this.loadMe(principal),
    );
  }

  private async loadMe(principal: Principal): Promise<MeResponse> {
    const row = await this.ds.getRepository(MembershipEntity).findOne({
      where: { userId: principal.userId, workspaceId: principal.workspaceId },
      relations: { user: true, workspace: true },
    });
    if (!row?.user || !row.workspace)
      throw Problems.unauthorized('membership no longer exists', ProblemTypes.tokenInvalid);
    if (row.user.disabledAt)
      throw Problems.unauthorized('account disabled', ProblemTypes.accountDisabled);
    const answer: MeResponse = {
      user: toUser(row.user),
      workspace: toWorkspace(row.workspace),
      workspaceRole: row.role,
      scopes: [...principal.scopes],
    };
    return answer;
  }

  /** Changes the password and ends every other session of the user; the caller's stays. */
  async changePassword(principal: Principal, input: ChangePasswordRequest): Promise<void> {
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: principal.userId });
    if (!user || !(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      throw Problems.validation([
        { field: 'currentPassword', message: 'is not the current password' },
      ]);
    }
    const passwordHash = await this.hasher.hash(input.newPassword);
    await this.ds.getRepository(UserEntity).update({ id: user.id }, { passwordHash });
    await this.sessions.revokeUserSessions(user.id, { except: principal.sessionId });
    this.meCache.forgetUser(user.id);
  }

  /** Always answers the same; mails a single-use link when the account exists. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.ds.getRepository(UserEntity).findOneBy({ email });
    if (!user || user.disabledAt) return;
    const token = newOpaqueToken();
    const id = randomUUID();
    await this.ds.getRepository(PasswordResetEntity).insert({
      id,
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + this.config.PASSWORD_RESET_TTL_MINUTES * 60_000),
      usedAt: null,
    });
    const link = `${this.config.APP_BASE_URL.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
    await this.mail.send(`password-reset.${id}`, {
      to: user.email,
      subject: 'Reset your Postmagiq password',
      text: `Hello ${user.name},\n\nSomeone asked to reset the password of your Postmagiq account. If it was you, open this link within ${this.config.PASSWORD_RESET_TTL_MINUTES} minutes:\n\n${link}\n\nIf it was not, ignore this mail; your password stays as it is.\n`,
    });
  }

  /** Sets the new password once per link and ends every session of the account. */
  async confirmPasswordReset(input: PasswordResetConfirm): Promise<void> {
    const passwordHash = await this.hasher.hash(input.newPassword);
    const userId = await this.ds.transaction(async (m) => {
      const claimed = await m.query<[{ user_id: string }[], number] | { user_id: string }[]>(
        `UPDATE "identity"."password_resets" SET "used_at" = now()
          WHERE "token_hash" = $1 AND "used_at" IS NULL AND "expires_at" > now() RETURNING "user_id"`,
        [hashToken(input.token)],
      );
      const rows = (Array.isArray(claimed[0]) ? claimed[0] : claimed) as { user_id: string }[];
      const id = rows[0]?.user_id;
      if (!id) return null;
      await m.getRepository(UserEntity).update({ id }, { passwordHash });
      return id;
    });
    if (!userId) throw Problems.gone('reset link is invalid, expired or already used');
    await this.sessions.revokeUserSessions(userId);
  }

  /** Whether an enabled account has this email and password; starts no session. */
  async credentialsValid(email: string, password: string): Promise<boolean> {
    const user = await this.ds.getRepository(UserEntity).findOneBy({ email });
    return (
      (await this.hasher.verify(user?.passwordHash ?? null, password)) && !!user && !user.disabledAt
    );
  }

  /** Used by the demo-account seeding: true when any user exists. */
  async hasUsers(): Promise<boolean> {
    return (await this.ds.getRepository(UserEntity).count({ take: 1 })) > 0;
  }

  async pendingResets(userId: string): Promise<number> {
    return this.ds
      .getRepository(PasswordResetEntity)
      .countBy({ userId, usedAt: IsNull(), expiresAt: MoreThan(new Date()) });
  }
}
