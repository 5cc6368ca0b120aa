import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { scopesFor, TokenPair, WorkspaceRole } from '@postmagiq/contracts';
import {
  Problems,
  ProblemTypes,
  RedisService,
  REVOCATION_TTL_SECONDS,
  RevocationKeys,
} from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { IDENTITY_CONFIG, IdentityConfig } from '../config/identity.config';
import { IDENTITY_DB } from '../entities';
import { MembershipEntity } from '../entities/membership.entity';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';
import { UserEntity } from '../entities/user.entity';
import { WorkspaceEntity } from '../entities/workspace.entity';
import { SigningKeysService } from '../keys/signing-keys.service';
import { toUser, toWorkspace } from './mappers';
import { hashToken, newOpaqueToken } from './tokens';

/**
 * Sessions: a session is a refresh-token family. Access tokens name their session (`sid`), so
 * ending a session (logout, reuse, password change, removal from a workspace) also ends its access
 * tokens at every service through Redis, without waiting for them to expire.
 */
@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource(IDENTITY_DB) private readonly ds: DataSource,
    private readonly keys: SigningKeysService,
    private readonly redis: RedisService,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** Starts a session (new family) or continues one, and returns the token pair. */
  async issue(
    user: UserEntity,
    workspace: WorkspaceEntity,
    workspaceRole: WorkspaceRole,
    opts: { familyId?: string; ip?: string; manager?: EntityManager } = {},
  ): Promise<TokenPair> {
    const familyId = opts.familyId ?? randomUUID();
    const refreshToken = newOpaqueToken();
    const repo = (opts.manager ?? this.ds.manager).getRepository(RefreshTokenEntity);
    await repo.insert({
      id: randomUUID(),
      familyId,
      userId: user.id,
      workspaceId: workspace.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
      usedAt: null,
      revokedAt: null,
      ipAddress: opts.ip?.slice(0, 64) ?? null,
    });
    const scopes = scopesFor(user.role, workspaceRole);
    const { token, expiresIn } = await this.keys.sign({
      sub: user.id,
      role: user.role,
      workspaceId: workspace.id,
      workspaceRole,
      scopes,
      sid: familyId,
    });
    return {
      accessToken: token,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn,
      user: toUser(user),
      workspace: toWorkspace(workspace),
      workspaceRole,
      scopes,
    };
  }

  /**
   * Rotation: the presented token is marked used in one conditional UPDATE (so two concurrent
   * refreshes cannot both win) and its successor issued. A token already used or revoked means it
   * was stolen or replayed: the whole family is revoked.
   */
  async rotate(refreshToken: string, ip?: string): Promise<TokenPair> {
    const tokenHash = hashToken(refreshToken);
    const claimed = await this.ds.query<[RefreshTokenRow[], number] | RefreshTokenRow[]>(
      `UPDATE "identity"."refresh_tokens" SET "used_at" = now()
        WHERE "token_hash" = $1 AND "used_at" IS NULL AND "revoked_at" IS NULL AND "expires_at" > now()
        RETURNING "family_id", "user_id", "workspace_id"`,
      [tokenHash],
    );
    // TypeORM answers UPDATE … RETURNING as [rows, affected]
    const rows = (Array.isArray(claimed[0]) ? claimed[0] : claimed) as RefreshTokenRow[];
    const row = rows[0];
    if (!row) {
      const known = await this.ds.getRepository(RefreshTokenEntity).findOneBy({ tokenHash });
      if (known && (known.usedAt || known.revokedAt)) {
        await this.revokeFamilies([known.familyId]);
        throw Problems.unauthorized('refresh token was already used; the session has been revoked', ProblemTypes.refreshTokenReused);
      }
      throw Problems.unauthorized('refresh token invalid or expired', ProblemTypes.tokenInvalid);
    }
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: row.user_id });
    if (!user || user.disabledAt) {
      await this.revokeFamilies([row.family_id]);
      throw Problems.unauthorized('account disabled', ProblemTypes.accountDisabled);
    }
    const target = await this.resolveWorkspace(user, row.workspace_id);
    if (!target) throw Problems.unauthorized('no workspace left for this account', ProblemTypes.tokenInvalid);
    return this.issue(user, target.workspace, target.role, { familyId: row.family_id, ...(ip ? { ip } : {}) });
  }

  /** The workspace a session continues in: the wanted one if still a member, else any other. */
  async resolveWorkspace(
    user: UserEntity,
    wanted: string | null,
  ): Promise<{ workspace: WorkspaceEntity; role: WorkspaceRole } | null> {
    const memberships = await this.ds.getRepository(MembershipEntity).find({
      where: { userId: user.id },
      relations: { workspace: true },
      order: { createdAt: 'ASC' },
    });
    const pick = memberships.find((m) => m.workspaceId === wanted) ?? memberships.find((m) => m.workspaceId === user.lastWorkspaceId) ?? memberships[0];
    if (!pick?.workspace) return null;
    return { workspace: pick.workspace, role: pick.role };
  }

  /** Ends the session of a refresh token (logout); unknown tokens are ignored. */
  async revokeByToken(refreshToken: string): Promise<void> {
    const known = await this.ds.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: hashToken(refreshToken) });
    if (known) await this.revokeFamilies([known.familyId]);
  }

  async revokeFamilies(familyIds: string[]): Promise<void> {
    if (familyIds.length === 0) return;
    await this.ds.getRepository(RefreshTokenEntity).update({ familyId: In(familyIds), revokedAt: IsNull() }, { revokedAt: new Date() });
    const pipeline = this.redis.client.multi();
    for (const id of familyIds) pipeline.set(RevocationKeys.session(id), '1', 'EX', REVOCATION_TTL_SECONDS);
    await pipeline.exec();
  }

  /** Every live session of a user, optionally all but one, or only those bound to a workspace. */
  async revokeUserSessions(userId: string, opts: { except?: string; workspaceId?: string } = {}): Promise<void> {
    const params: unknown[] = [userId];
    let sql = `SELECT DISTINCT "family_id" FROM "identity"."refresh_tokens" WHERE "user_id" = $1 AND "revoked_at" IS NULL AND "expires_at" > now()`;
    if (opts.workspaceId) {
      params.push(opts.workspaceId);
      sql += ` AND "workspace_id" = $${params.length}`;
    }
    const rows = await this.ds.query<{ family_id: string }[]>(sql, params);
    await this.revokeFamilies(rows.map((r) => r.family_id).filter((f) => f !== opts.except));
  }

  /** Every access token of the user issued up to now is refused everywhere (disabled account). */
  async blockUser(userId: string): Promise<void> {
    await this.redis.client.set(RevocationKeys.user(userId), String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400));
  }

  async unblockUser(userId: string): Promise<void> {
    await this.redis.client.del(RevocationKeys.user(userId));
  }
}

interface RefreshTokenRow {
  family_id: string;
  user_id: string;
  workspace_id: string;
}
