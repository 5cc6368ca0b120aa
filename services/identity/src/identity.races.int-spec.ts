import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { TokenPair } from '@postmagiq/contracts';
import { createApp, ProblemTypes } from '@postmagiq/platform';
import {
  apiClient,
  freePort,
  Managed,
  nextTestIp,
  PostgresServer,
  startNats,
  startPostgresServer,
  startRedis,
} from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IdentityAppModule } from './identity-app.module';

jest.setTimeout(180_000);

/**
 * Races only a real PostgreSQL server shows: the embedded Postgres runs one session, so it
 * serialises every transaction and would pass these whatever the locking. Each case is repeated
 * so the interleavings that once went wrong get their chance.
 */
describe('identity on a PostgreSQL server: concurrent requests that must not interleave', () => {
  let redis: Managed;
  let nats: Managed;
  let pg: PostgresServer;
  let app: INestApplication;
  let api: ReturnType<typeof apiClient>;
  let ds: DataSource;
  let dataDir: string;

  beforeAll(async () => {
    [redis, nats, pg] = await Promise.all([startRedis(), startNats(), startPostgresServer()]);
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-identity-races-'));
    const port = await freePort();
    app = await createApp(
      IdentityAppModule.forRoot({
        NODE_ENV: 'test',
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        TRUST_PROXY: 'loopback',
        REDIS_URL: redis.url,
        NATS_URL: nats.url,
        DATABASE_URL: pg.url,
        SWAGGER_ENABLED: 'false',
      }),
      { title: 'identity', rpcQueue: 'identity' },
    );
    await app.listen(port, '127.0.0.1');
    api = apiClient(`http://127.0.0.1:${port}`);
    ds = app.get<DataSource>(getDataSourceToken('identity'));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([redis?.stop(), nats?.stop(), pg?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function register(name: string): Promise<TokenPair> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const res = await api<TokenPair>('POST', '/api/auth/register', {
      body: { email, password: 'correct horse battery', name },
      ip: nextTestIp(),
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  const refresh = (refreshToken: string) =>
    api<TokenPair & { type?: string }>('POST', '/api/auth/refresh', {
      body: { refreshToken },
      ip: nextTestIp(),
    });

  it('a replayed refresh token racing a rotation leaves no live token in the family', async () => {
    for (let i = 0; i < 12; i++) {
      const first = await register('Rotating');
      const second = await refresh(first.refreshToken);
      expect(second.status).toBe(200);
      // the stolen first token comes back while its owner rotates the second
      const [replay, rotation] = await Promise.all([
        refresh(first.refreshToken),
        refresh(second.body.refreshToken),
      ]);
      expect(replay.status).toBe(401);
      expect(replay.body.type).toBe(ProblemTypes.refreshTokenReused);
      if (rotation.status === 200) {
        // minted while the family was being revoked: it must be revoked with it
        const third = await refresh(rotation.body.refreshToken);
        expect(third.status).toBe(401);
      }
      // the user's one session: every token of it revoked
      const live = await ds.query<{ n: string }[]>(
        `SELECT count(*)::text AS n FROM "identity"."refresh_tokens" WHERE "user_id" = $1 AND "revoked_at" IS NULL`,
        [first.user.id],
      );
      expect(Number(live[0]?.n)).toBe(0);
    }
  });

  it('two owners demoting each other at once leave their workspace with an owner', async () => {
    for (let i = 0; i < 12; i++) {
      const a = await register('Ada');
      const b = await register('Bea');
      const workspaceId = a.workspace.id;
      await ds.query(
        `INSERT INTO "identity"."memberships" ("id", "workspace_id", "user_id", "role") VALUES ($1, $2, $3, 'owner')`,
        [randomUUID(), workspaceId, b.user.id],
      );
      const demote = (actor: TokenPair, target: TokenPair) =>
        api('PATCH', `/api/workspaces/${workspaceId}/members/${target.user.id}`, {
          token: actor.accessToken,
          body: { role: 'editor' },
          ip: nextTestIp(),
        });
      const statuses = (await Promise.all([demote(a, b), demote(b, a)]))
        .map((r) => r.status)
        .sort();
      // one goes first; the other finds itself demoted (403) or the last owner (409), never both 200
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const owners = await ds.query<{ n: string }[]>(
        `SELECT count(*)::text AS n FROM "identity"."memberships" WHERE "workspace_id" = $1 AND "role" = 'owner'`,
        [workspaceId],
      );
      expect(Number(owners[0]?.n)).toBe(1);
    }
  });
});
