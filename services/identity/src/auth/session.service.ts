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
   * refreshes cannot both win) and its successor issued in the same transaction. A token already
   * used or revoked means it was stolen or replayed: the whole family is revoked. Rotation and
   * revocation of a family take turns (`lockFamily`), so a successor is never minted into a family
   * that is being revoked and left alive after it.
   */
  async rotate(refreshToken: string, ip?: string): Promise<TokenPair> {
    const tokenHash = hashToken(refreshToken);
    const outcome = await this.ds.transaction(async (m): Promise<Rotation> => {
      const presented = await m.getRepository(RefreshTokenEntity).findOneBy({ tokenHash });
      if (!presented) return { kind: 'invalid' };
      await lockFamilies(m, [presented.familyId]);
      const claimed = await m.query<[RefreshTokenRow[], number] | RefreshTokenRow[]>(
        `UPDATE "identity"."refresh_tokens" SET "used_at" = now()
          WHERE "token_hash" = $1 AND "used_at" IS NULL AND "revoked_at" IS NULL AND "expires_at" > now()
          RETURNING "family_id", "user_id", "workspace_id"`,
        [tokenHash],
      );
      // TypeORM answers UPDATE … RETURNING as [rows, affected]
      const row = ((Array.isArray(claimed[0]) ? claimed[0] : claimed) as RefreshTokenRow[])[0];
      if (!row) {
        // read again under the lock: a concurrent rotation or revocation may have just changed it
        const now = await m.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash });
        return now.usedAt || now.revokedAt
          ? { kind: 'reused', familyId: now.familyId }
          : { kind: 'invalid' };
      }
      const user = await m.getRepository(UserEntity).findOneBy({ id: row.user_id });
      if (!user || user.disabledAt) return { kind: 'disabled', familyId: row.family_id };
      const target = await this.resolveWorkspace(user, row.workspace_id, m);
      if (!target) return { kind: 'no-workspace' };
      const pair = await this.issue(user, target.workspace, target.role, {
        familyId: row.family_id,
        manager: m,
        ...(ip ? { ip } : {}),
      });
      return { kind: 'rotated', pair };
    });
    switch (outcome.kind) {
      case 'rotated':
        return outcome.pair;
      case 'reused':
        await this.revokeFamilies([outcome.familyId]);
        throw Problems.unauthorized(
          'refresh token was already used; the session has been revoked',
          ProblemTypes.refreshTokenReused,
        );
      case 'disabled':
        await this.revokeFamilies([outcome.familyId]);
        throw Problems.unauthorized('account disabled', ProblemTypes.accountDisabled);
      case 'no-workspace':
        throw Problems.unauthorized(
          'no workspace left for this account',
          ProblemTypes.tokenInvalid,
        );
      case 'invalid':
        throw Problems.unauthorized('refresh token invalid or expired', ProblemTypes.tokenInvalid);
    }
  }

  /** The workspace a session continues in: the wanted one if still a member, else any other. */
  async resolveWorkspace(
    user: UserEntity,
    wanted: string | null,
    manager: EntityManager = this.ds.manager,
  ): Promise<{ workspace: WorkspaceEntity; role: WorkspaceRole } | null> {
    const memberships = await manager.getRepository(MembershipEntity).find({
      where: { userId: user.id },
      relations: { workspace: true },
      order: { createdAt: 'ASC' },
    });
    const pick =
      memberships.find((m) => m.workspaceId === wanted) ??
      memberships.find((m) => m.workspaceId === user.lastWorkspaceId) ??
      memberships[0];
    if (!pick?.workspace) return null;
    return { workspace: pick.workspace, role: pick.role };
  }

  /** Ends the session of a refresh token (logout); unknown tokens are ignored. */
  async revokeByToken(refreshToken: string): Promise<void> {
    const known = await this.ds
      .getRepository(RefreshTokenEntity)
      .findOneBy({ tokenHash: hashToken(refreshToken) });
    if (known) await this.revokeFamilies([known.familyId]);
  }

  async revokeFamilies(familyIds: string[]): Promise<void> {
    if (familyIds.length === 0) return;
    await this.ds.transaction(async (m) => {
      await lockFamilies(m, familyIds);
      await m
        .getRepository(RefreshTokenEntity)
        .update({ familyId: In(familyIds), revokedAt: IsNull() }, { revokedAt: new Date() });
    });
    const pipeline = this.redis.client.multi();
    for (const id of familyIds)
      pipeline.set(RevocationKeys.session(id), '1', 'EX', REVOCATION_TTL_SECONDS);
    await pipeline.exec();
  }

  /** Every live session of a user, optionally all but one, or only those bound to a workspace. */
  async revokeUserSessions(
    userId: string,
    opts: { except?: string; workspaceId?: string } = {},
  ): Promise<void> {
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
    await this.redis.client.set(
      RevocationKeys.user(userId),
      String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400),
    );
  }

  async unblockUser(userId: string): Promise<void> {
    await this.redis.client.del(RevocationKeys.user(userId));
  }
}

type Rotation =
  | { kind: 'rotated'; pair: TokenPair }
  | { kind: 'reused' | 'disabled'; familyId: string }
  | { kind: 'no-workspace' | 'invalid' };

/** Advisory-lock class of refresh-token families (the first key of the two-key form). */
const FAMILY_LOCK_CLASS = 0x52_46_41_4d; // 'RFAM'

/**
 * Transaction-scoped locks on refresh-token families, keyed by the first 32 bits of the family's
 * uuid (two families sharing a key just take turns) and taken in ascending key order, so two
 * transactions locking overlapping sets cannot deadlock.
 */
async function lockFamilies(m: EntityManager, familyIds: readonly string[]): Promise<void> {
  const keys = [...new Set(familyIds.map((id) => Number.parseInt(id.slice(0, 8), 16) | 0))].sort(
    (a, b) => a - b,
  );
  for (const key of keys)
    await m.query(`SELECT pg_advisory_xact_lock($1, $2)`, [FAMILY_LOCK_CLASS, key]);
}

interface RefreshTokenRow {
  family_id: string;
  user_id: string;
  workspace_id: string;
}
