import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  IDENTITY_STREAM,
  IdentityRequestSubjects,
  IdentitySubjects,
  MembershipGetResponseSchema,
  TokenPair,
  UserRegisteredEventSchema,
} from '@postmagiq/contracts';
import {
  createApp,
  JetStreamService,
  listRoutes,
  NatsRpcClient,
  pendingSchemaChanges,
  ProblemTypes,
} from '@postmagiq/platform';
import {
  apiClient,
  freePort,
  nextTestIp,
  startTestInfra,
  TestInfra,
} from '@postmagiq/platform/testing';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { AdminService } from './admin/admin.service';
import { IdentityAppModule } from './identity-app.module';

jest.setTimeout(120_000);

const repoRoot = resolve(__dirname, '../../..');

interface Mail {
  to: string;
  raw: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe('identity service (real Redis, NATS, embedded Postgres, SMTP)', () => {
  let infra: TestInfra;
  let app: INestApplication;
  let smtp: SMTPServer;
  let dataDir: string;
  let baseUrl: string;
  let api: ReturnType<typeof apiClient>;
  let ds: DataSource;
  let env: Record<string, string>;
  const mails: Mail[] = [];

  beforeAll(async () => {
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (d: Buffer) => (raw += d.toString()));
        stream.on('end', () => {
          for (const rcpt of session.envelope.rcptTo)
            mails.push({ to: rcpt.address, raw: decodeQuotedPrintable(raw) });
          callback();
        });
      },
    });
    await new Promise<void>((ok) => smtp.listen(smtpPort, '127.0.0.1', ok));
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-identity-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = {
      ...infra.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      APP_BASE_URL: 'http://console.test',
      SWAGGER_ENABLED: 'true',
    };
    app = await createApp(IdentityAppModule.forRoot(env), {
      title: 'identity',
      rpcQueue: 'identity',
    });
    await app.listen(port, '127.0.0.1');
    api = apiClient(baseUrl);
    ds = app.get<DataSource>(getDataSourceToken('identity'));
  });

  afterAll(async () => {
    await app?.close();
    await infra?.stop();
    await new Promise<void>((ok) => (smtp ? smtp.close(() => ok()) : ok()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function register(
    name = 'Ada',
  ): Promise<TokenPair & { email: string; password: string; ip: string }> {
    const ip = nextTestIp();
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'correct horse battery';
    const res = await api<TokenPair>('POST', '/api/auth/register', {
      body: { email, password, name },
      ip,
    });
    expect(res.status).toBe(201);
    return { ...res.body, email, password, ip };
  }

  async function waitForMail(to: string, timeoutMs = 15_000): Promise<Mail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = mails.find((m) => m.to === to);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function makeSystemAdmin(userId: string, email: string, password: string) {
    await ds.query(`UPDATE "identity"."users" SET "role" = 'admin' WHERE "id" = $1`, [userId]);
    const res = await api<TokenPair>('POST', '/api/auth/login', {
      body: { email, password },
      ip: nextTestIp(),
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('registers, logs in, answers me, rotates refresh tokens, and revokes the family on reuse', async () => {
    const reg = await register();
    expect(reg.workspaceRole).toBe('owner');
    expect(reg.scopes).toContain('team:manage');
    expect(reg.scopes).not.toContain('admin:system');

    const login = await api<TokenPair>('POST', '/api/auth/login', {
      body: { email: reg.email.toUpperCase(), password: reg.password },
      ip: reg.ip,
    });
    expect(login.status).toBe(200);
    expect(login.body.workspace.id).toBe(reg.workspace.id);

    const me = await api<{ user: { email: string }; workspaceRole: string }>(
      'GET',
      '/api/auth/me',
      { token: login.body.accessToken, ip: reg.ip },
    );
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(reg.email);
    expect(me.body.workspaceRole).toBe('owner');

    const r1 = await api<TokenPair>('POST', '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
      ip: reg.ip,
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(login.body.refreshToken);
    const r2 = await api<TokenPair>('POST', '/api/auth/refresh', {
      body: { refreshToken: r1.body.refreshToken },
      ip: reg.ip,
    });
    expect(r2.status).toBe(200);

    // the first token again: reuse → the whole family is revoked, the newest token included
    const reuse = await api<{ type: string }>('POST', '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
      ip: reg.ip,
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.type).toBe(ProblemTypes.refreshTokenReused);
    expect(reuse.headers.get('content-type')).toContain('application/problem+json');
    const after = await api('POST', '/api/auth/refresh', {
      body: { refreshToken: r2.body.refreshToken },
      ip: reg.ip,
    });
    expect(after.status).toBe(401);
    const meAfter = await api('GET', '/api/auth/me', { token: r2.body.accessToken, ip: reg.ip });
    expect(meAfter.status).toBe(401);
    // the registration session was another family and still works
    expect((await api('GET', '/api/auth/me', { token: reg.accessToken, ip: reg.ip })).status).toBe(
      200,
    );
  });

  it('answers an unknown email and a wrong password the same way', async () => {
    const reg = await register();
    const wrong = await api<Record<string, unknown>>('POST', '/api/auth/login', {
      body: { email: reg.email, password: 'nope nope nope' },
      ip: nextTestIp(),
    });
    const unknown = await api<Record<string, unknown>>('POST', '/api/auth/login', {
      body: { email: `x${reg.email}`, password: 'nope nope nope' },
      ip: nextTestIp(),
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('logout ends the session: its access and refresh tokens are refused', async () => {
    const reg = await register();
    const out = await api('POST', '/api/auth/logout', {
      token: reg.accessToken,
      body: { refreshToken: reg.refreshToken },
      ip: reg.ip,
    });
    expect(out.status).toBe(204);
    expect((await api('GET', '/api/auth/me', { token: reg.accessToken, ip: reg.ip })).status).toBe(
      401,
    );
    expect(
      (
        await api('POST', '/api/auth/refresh', {
          body: { refreshToken: reg.refreshToken },
          ip: reg.ip,
        })
      ).status,
    ).toBe(401);
  });

  it('a password change ends every other session and keeps the current one', async () => {
    const a = await register();
    const b = await api<TokenPair>('POST', '/api/auth/login', {
      body: { email: a.email, password: a.password },
      ip: a.ip,
    });
    const change = await api('POST', '/api/auth/password', {
      token: a.accessToken,
      body: { currentPassword: a.password, newPassword: 'a much newer password' },
      ip: a.ip,
    });
    expect(change.status).toBe(204);
    expect((await api('GET', '/api/auth/me', { token: b.body.accessToken, ip: a.ip })).status).toBe(
      401,
    );
    expect(
      (
        await api('POST', '/api/auth/refresh', {
          body: { refreshToken: b.body.refreshToken },
          ip: a.ip,
        })
      ).status,
    ).toBe(401);
    expect((await api('GET', '/api/auth/me', { token: a.accessToken, ip: a.ip })).status).toBe(200);
    expect(
      (await api('POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken }, ip: a.ip }))
        .status,
    ).toBe(200);
    expect(
      (
        await api('POST', '/api/auth/login', {
          body: { email: a.email, password: a.password },
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await api('POST', '/api/auth/login', {
          body: { email: a.email, password: 'a much newer password' },
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(200);
  });

  it('refuses tokens signed with another key, with alg none, expired, or of a disabled user (401)', async () => {
    const reg = await register();
    const me = (token: string) =>
      api<{ type: string }>('GET', '/api/auth/me', { token, ip: reg.ip });
    const [, payloadB64] = reg.accessToken.split('.');
    const header = JSON.parse(
      Buffer.from(reg.accessToken.split('.')[0] as string, 'base64url').toString(),
    ) as { kid: string };
    const claims = JSON.parse(Buffer.from(payloadB64 as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;

    const foreign = generateKeyPairSync('ed25519');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: header.kid })
      .sign(foreign.privateKey);
    expect((await me(forged)).status).toBe(401);

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: header.kid })).toString('base64url')}.${payloadB64}.`;
    expect((await me(none)).status).toBe(401);

    const realKey = await importPKCS8(
      readFileSync(join(dataDir, 'identity', 'signing-key.pem'), 'utf8'),
      'EdDSA',
    );
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claims, iat: now - 3600, exp: now - 1800 })
      .setProtectedHeader({ alg: 'EdDSA', kid: header.kid })
      .sign(realKey);
    const expiredRes = await me(expired);
    expect(expiredRes.status).toBe(401);
    expect(expiredRes.body.type).toBe(ProblemTypes.tokenInvalid);
    // the same claims, fresh, with the real key: accepted (so the refusals above are about what they test)
    const fresh = await new SignJWT({ ...claims, iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'EdDSA', kid: header.kid })
      .sign(realKey);
    expect((await me(fresh)).status).toBe(200);

    const admin = await register('Admin');
    const adminTokens = await makeSystemAdmin(admin.user.id, admin.email, admin.password);
    expect(adminTokens.scopes).toContain('admin:system');
    const disable = await api('POST', `/api/admin/users/${reg.user.id}/disable`, {
      token: adminTokens.accessToken,
      ip: admin.ip,
    });
    expect(disable.status).toBe(200);
    expect((await me(reg.accessToken)).status).toBe(401);
    expect(
      (
        await api('POST', '/api/auth/refresh', {
          body: { refreshToken: reg.refreshToken },
          ip: reg.ip,
        })
      ).status,
    ).toBe(401);
    const login = await api<{ type: string }>('POST', '/api/auth/login', {
      body: { email: reg.email, password: reg.password },
      ip: nextTestIp(),
    });
    expect(login.status).toBe(401);
    expect(login.body.type).toBe(ProblemTypes.accountDisabled);

    // admin area: lists, and is closed to a plain user
    expect(
      (
        await api('GET', '/api/admin/users?limit=5', {
          token: adminTokens.accessToken,
          ip: admin.ip,
        })
      ).status,
    ).toBe(200);
    expect(
      (await api('GET', '/api/admin/workspaces', { token: adminTokens.accessToken, ip: admin.ip }))
        .status,
    ).toBe(200);
    const plain = await register();
    expect(
      (await api('GET', '/api/admin/users', { token: plain.accessToken, ip: plain.ip })).status,
    ).toBe(403);
    const flags = await api<{ flags: Record<string, boolean> }>('GET', '/api/feature-flags', {
      token: plain.accessToken,
      ip: plain.ip,
    });
    expect(flags.body.flags).toMatchObject({
      'admin-console': false,
      'team-management': true,
      billing: true,
    });
    expect(
      (
        await api<{ flags: Record<string, boolean> }>('GET', '/api/feature-flags', {
          token: adminTokens.accessToken,
          ip: admin.ip,
        })
      ).body.flags['admin-console'],
    ).toBe(true);
  });

  it('invites by email with a link that works once; an editor cannot manage members (403)', async () => {
    const owner = await register('Owner');
    const editor = await register('Editor');
    const invite = await api<{ id: string }>(
      'POST',
      `/api/workspaces/${owner.workspace.id}/invites`,
      {
        token: owner.accessToken,
        body: { email: editor.email, role: 'editor' },
        ip: owner.ip,
      },
    );
    expect(invite.status).toBe(201);
    const mail = await waitForMail(editor.email);
    const token = /invites\/accept\?token=([A-Za-z0-9_%-]+)/.exec(mail.raw)?.[1];
    expect(token).toBeDefined();

    const accepted = await api<TokenPair>('POST', '/api/invites/accept', {
      token: editor.accessToken,
      body: { token: decodeURIComponent(token as string) },
      ip: editor.ip,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspace.id).toBe(owner.workspace.id);
    expect(accepted.body.workspaceRole).toBe('editor');
    const again = await api('POST', '/api/invites/accept', {
      token: editor.accessToken,
      body: { token: decodeURIComponent(token as string) },
      ip: editor.ip,
    });
    expect(again.status).toBe(410);

    const members = await api<{ userId: string; role: string }[]>(
      'GET',
      `/api/workspaces/${owner.workspace.id}/members`,
      { token: accepted.body.accessToken, ip: editor.ip },
    );
    expect(members.status).toBe(200);
    expect(members.body.map((m) => m.role).sort()).toEqual(['editor', 'owner']);

    const promote = await api(
      'PATCH',
      `/api/workspaces/${owner.workspace.id}/members/${editor.user.id}`,
      { token: accepted.body.accessToken, body: { role: 'admin' }, ip: editor.ip },
    );
    expect(promote.status).toBe(403);
    const kick = await api(
      'DELETE',
      `/api/workspaces/${owner.workspace.id}/members/${owner.user.id}`,
      { token: accepted.body.accessToken, ip: editor.ip },
    );
    expect(kick.status).toBe(403);
    const inv = await api('POST', `/api/workspaces/${owner.workspace.id}/invites`, {
      token: accepted.body.accessToken,
      body: { email: 'x@example.com' },
      ip: editor.ip,
    });
    expect(inv.status).toBe(403);

    // the owner can; the last owner cannot leave
    const demote = await api<{ role: string }>(
      'PATCH',
      `/api/workspaces/${owner.workspace.id}/members/${editor.user.id}`,
      { token: owner.accessToken, body: { role: 'viewer' }, ip: owner.ip },
    );
    expect(demote.status).toBe(200);
    expect(demote.body.role).toBe('viewer');
    const leave = await api<{ type: string }>(
      'DELETE',
      `/api/workspaces/${owner.workspace.id}/members/${owner.user.id}`,
      { token: owner.accessToken, ip: owner.ip },
    );
    expect(leave.status).toBe(409);
    expect(leave.body.type).toBe(ProblemTypes.lastOwner);
    const remove = await api(
      'DELETE',
      `/api/workspaces/${owner.workspace.id}/members/${editor.user.id}`,
      { token: owner.accessToken, ip: owner.ip },
    );
    expect(remove.status).toBe(204);
    // the removed member's session in that workspace is over
    expect(
      (await api('GET', '/api/auth/me', { token: accepted.body.accessToken, ip: editor.ip }))
        .status,
    ).toBe(401);
  });

  it("answers 404 for another workspace's resources, never the data", async () => {
    const a = await register('Alice');
    const b = await register('Bob');
    for (const path of [
      `/api/workspaces/${a.workspace.id}`,
      `/api/workspaces/${a.workspace.id}/members`,
      `/api/workspaces/${a.workspace.id}/invites`,
      '/api/workspaces/not-a-uuid',
    ]) {
      const res = await api<{ type: string }>('GET', path, { token: b.accessToken, ip: b.ip });
      expect(res.status).toBe(404);
      expect(res.body.type).toBe(ProblemTypes.notFound);
    }
    expect(
      (
        await api('PATCH', `/api/workspaces/${a.workspace.id}`, {
          token: b.accessToken,
          body: { name: 'mine' },
          ip: b.ip,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api('POST', `/api/workspaces/${a.workspace.id}/switch`, {
          token: b.accessToken,
          ip: b.ip,
        })
      ).status,
    ).toBe(404);
  });

  it('creates, lists, renames and switches workspaces', async () => {
    const u = await register('Multi');
    const created = await api<{ id: string; role: string }>('POST', '/api/workspaces', {
      token: u.accessToken,
      body: { name: 'Second' },
      ip: u.ip,
    });
    expect(created.status).toBe(201);
    expect(created.body.role).toBe('owner');
    const renamed = await api<{ name: string }>('PATCH', `/api/workspaces/${created.body.id}`, {
      token: u.accessToken,
      body: { name: 'Renamed' },
      ip: u.ip,
    });
    expect(renamed.body.name).toBe('Renamed');
    const list = await api<{ id: string; name: string }[]>('GET', '/api/workspaces', {
      token: u.accessToken,
      ip: u.ip,
    });
    expect(list.body.map((w) => w.name)).toEqual([u.workspace.name, 'Renamed']);
    const sw = await api<TokenPair>('POST', `/api/workspaces/${created.body.id}/switch`, {
      token: u.accessToken,
      ip: u.ip,
    });
    expect(sw.status).toBe(200);
    expect(sw.body.workspace.id).toBe(created.body.id);
    const me = await api<{ workspace: { id: string } }>('GET', '/api/auth/me', {
      token: sw.body.accessToken,
      ip: u.ip,
    });
    expect(me.body.workspace.id).toBe(created.body.id);
  });

  it('answers 429 to the 101st request in a minute, per IP and per user', async () => {
    const u = await register('Busy');
    const ip = nextTestIp();
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++)
      statuses.push((await api('GET', '/api/auth/me', { token: u.accessToken, ip })).status);
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(statuses[100]).toBe(429);
    const limited = await api<{ type: string }>('GET', '/api/auth/me', {
      token: u.accessToken,
      ip,
    });
    expect(limited.body.type).toBe(ProblemTypes.rateLimited);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // per user: one token from a new address every time still gets 100 a minute
    const roaming = await register('Roaming');
    const spread: number[] = [];
    for (let i = 0; i < 101; i++)
      spread.push(
        (await api('GET', '/api/auth/me', { token: roaming.accessToken, ip: nextTestIp() })).status,
      );
    expect(spread.filter((s) => s === 200)).toHaveLength(100);
    expect(spread[100]).toBe(429);

    // per IP: a public route from one address
    const ip2 = nextTestIp();
    const jwks: number[] = [];
    for (let i = 0; i < 101; i++)
      jwks.push((await api('GET', '/api/auth/.well-known/jwks.json', { ip: ip2 })).status);
    expect(jwks.filter((s) => s === 200)).toHaveLength(100);
    expect(jwks[100]).toBe(429);

    // login is tighter: 10 per minute per IP
    const ip3 = nextTestIp();
    const logins: number[] = [];
    for (let i = 0; i < 11; i++)
      logins.push(
        (
          await api('POST', '/api/auth/login', {
            body: { email: 'nobody@example.com', password: 'x' },
            ip: ip3,
          })
        ).status,
      );
    expect(logins.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(logins[10]).toBe(429);
  });

  it('answers 400 naming the field for a malformed body, and writes nothing', async () => {
    const count = async () =>
      Number(
        (await ds.query<{ n: string }[]>('SELECT count(*)::text AS n FROM "identity"."users"'))[0]
          ?.n,
      );
    const before = await count();
    const bad = await api<{ type: string; errors: { field: string }[]; detail: string }>(
      'POST',
      '/api/auth/register',
      {
        body: { email: 'not-an-email', password: 'correct horse battery', name: 'X' },
        ip: nextTestIp(),
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe(ProblemTypes.validation);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['email']);
    expect(bad.body.detail).toContain('email');
    const short = await api<{ errors: { field: string }[] }>('POST', '/api/auth/register', {
      body: { email: 'ok@example.com', password: 'short', name: 'X' },
      ip: nextTestIp(),
    });
    expect(short.body.errors.map((e) => e.field)).toEqual(['password']);
    const extra = await api<{ errors: { field: string }[] }>('POST', '/api/auth/register', {
      body: { email: 'ok@example.com', password: 'long enough pw', name: 'X', role: 'owner' },
      ip: nextTestIp(),
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors.map((e) => e.field)).toEqual(['role']);
    const json = await api<{ errors: { field: string }[] }>('POST', '/api/auth/register', {
      rawBody: '{"email": ',
      ip: nextTestIp(),
    });
    expect(json.status).toBe(400);
    expect(json.body.errors[0]?.field).toBe('body');
    expect(await count()).toBe(before);
  });

  it('resets a password through a mailed single-use link', async () => {
    const u = await register('Forgetful');
    expect(
      (
        await api('POST', '/api/auth/password-reset', {
          body: { email: u.email },
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await api('POST', '/api/auth/password-reset', {
          body: { email: 'unknown@example.com' },
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(202);
    const mail = await waitForMail(u.email);
    const token = decodeURIComponent(
      /reset-password\?token=([A-Za-z0-9_%-]+)/.exec(mail.raw)?.[1] ?? '',
    );
    const ok = await api('POST', '/api/auth/password-reset/confirm', {
      body: { token, newPassword: 'brand new password' },
      ip: nextTestIp(),
    });
    expect(ok.status).toBe(204);
    expect(
      (
        await api('POST', '/api/auth/password-reset/confirm', {
          body: { token, newPassword: 'another new password' },
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(410);
    expect((await api('GET', '/api/auth/me', { token: u.accessToken, ip: u.ip })).status).toBe(401);
    expect(
      (
        await api('POST', '/api/auth/login', {
          body: { email: u.email, password: 'brand new password' },
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(200);
  });

  it('verifies an access token from a second process through the JWKS', async () => {
    const u = await register('Remote');
    // asynchronous: the app under test serves the JWKS from this very process
    const run = (token: string) =>
      new Promise<{ status: number | null; stdout: string }>((ok) => {
        const child = spawn(
          process.execPath,
          [
            '-r',
            '@swc-node/register',
            join(repoRoot, 'libs/platform/src/testing/verify-token.main.ts'),
            `${baseUrl}/api/auth/.well-known/jwks.json`,
            token,
          ],
          {
            cwd: repoRoot,
            env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('exit', (status) => ok({ status, stdout }));
      });
    const [good, tampered] = await Promise.all([
      run(u.accessToken),
      run(u.accessToken.slice(0, -4) + 'AAAA'),
    ]);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      userId: u.user.id,
      workspaceId: u.workspace.id,
      workspaceRole: 'owner',
    });
    expect(tampered.status).toBe(2);
  });

  it('lets the operator grant the first system owner, who then sets system roles; the last owner stays', async () => {
    const grant = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((ok) => {
        const child = spawn(
          process.execPath,
          ['-r', '@swc-node/register', join(__dirname, 'grant-system-role.main.ts'), ...args],
          {
            cwd: repoRoot,
            env: {
              PATH: process.env['PATH'] ?? '',
              ...env,
              SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json'),
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (status) => ok({ status, stdout, stderr }));
      });
    const root = await register('Root');
    const other = await register('Other');
    const login = async (u: { email: string; password: string }) =>
      (
        await api<TokenPair>('POST', '/api/auth/login', {
          body: { email: u.email, password: u.password },
          ip: nextTestIp(),
        })
      ).body;
    const setRole = (token: string, userId: string, body: unknown) =>
      api<{ role?: string; detail?: string; errors?: Array<{ field: string }> }>(
        'PUT',
        `/api/admin/users/${userId}/role`,
        { token, body, ip: nextTestIp() },
      );

    const refused = await grant('not-an-email');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("the email 'not-an-email' is not a valid email address");
    const savedUrl = env['DATABASE_URL'] as string;
    delete env['DATABASE_URL'];
    const noDatabase = await grant(root.email).finally(() => (env['DATABASE_URL'] = savedUrl));
    expect(noDatabase.status).toBe(1);
    expect(noDatabase.stderr).toContain('DATABASE_URL is not set');
    // identity deployed alone has no system owner until the operator names one (email as typed)
    const granted = await grant(root.email.toUpperCase(), 'owner');
    expect(granted.stderr).toBe('');
    expect(granted.stdout.trim()).toBe(`${root.email} is now system owner`);
    const rootTokens = await login(root);
    expect(rootTokens.scopes).toContain('admin:system');

    // a system admin reaches the admin area but does not hand out roles
    const admin = await register('Deputy');
    const adminTokens = await makeSystemAdmin(admin.user.id, admin.email, admin.password);
    expect((await setRole(adminTokens.accessToken, other.user.id, { role: 'admin' })).status).toBe(
      403,
    );
    const malformed = await setRole(rootTokens.accessToken, other.user.id, { role: 'god' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.map((e) => e.field)).toEqual(['role']);

    const lastOwner = await setRole(rootTokens.accessToken, root.user.id, { role: 'user' });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.detail).toContain('last system owner');

    const promoted = await setRole(rootTokens.accessToken, other.user.id, { role: 'owner' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('owner');
    const otherTokens = await login(other);
    expect(otherTokens.scopes).toContain('admin:system');
    // a demotion ends the demoted user's sessions: their tokens carry the old scopes
    expect((await setRole(rootTokens.accessToken, other.user.id, { role: 'user' })).body.role).toBe(
      'user',
    );
    expect(
      (await api('GET', '/api/auth/me', { token: otherTokens.accessToken, ip: nextTestIp() }))
        .status,
    ).toBe(401);
    expect((await login(other)).scopes).not.toContain('admin:system');
    // an owner token outliving its demotion (its revocation not yet seen) changes nothing: the
    // database says who the owners are
    const stale = {
      userId: other.user.id,
      role: 'owner',
      workspaceId: other.workspace.id,
      workspaceRole: 'owner',
      scopes: ['admin:system'],
      sessionId: randomUUID(),
      issuedAt: 0,
    } as const;
    await expect(
      app
        .get(AdminService)
        .setSystemRole({ ...stale, scopes: [...stale.scopes] }, other.user.id, 'owner'),
    ).rejects.toMatchObject({ problem: { status: 403 } });

    // a disabled owner does not count as the remaining owner
    expect((await setRole(rootTokens.accessToken, other.user.id, { role: 'owner' })).status).toBe(
      200,
    );
    expect(
      (
        await api('POST', `/api/admin/users/${other.user.id}/disable`, {
          token: rootTokens.accessToken,
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(200);
    const stillLast = await setRole(rootTokens.accessToken, root.user.id, { role: 'admin' });
    expect(stillLast.status).toBe(409);
    expect((stillLast.body as { type?: string }).type).toBe(ProblemTypes.lastOwner);
    expect(
      (
        await api('POST', `/api/admin/users/${other.user.id}/enable`, {
          token: rootTokens.accessToken,
          ip: nextTestIp(),
        })
      ).status,
    ).toBe(200);
    expect((await setRole(rootTokens.accessToken, root.user.id, { role: 'admin' })).status).toBe(
      200,
    );
  });

  it('publishes events on JetStream with message ids, and answers membership requests over NATS', async () => {
    const u = await register('Evented');
    const js = app.get(JetStreamService);
    const seen = new Promise<string>((ok) => {
      void js.consume(
        IDENTITY_STREAM,
        `test-${randomUUID().slice(0, 8)}`,
        [IdentitySubjects.userRegistered],
        UserRegisteredEventSchema,
        async (event) => {
          if (event.userId === u.user.id) ok(event.email);
        },
      );
    });
    await expect(seen).resolves.toBe(u.email);
    const first = await js.publish('identity.user.dedupe-probe', { x: 1 }, 'dedupe-1');
    const second = await js.publish('identity.user.dedupe-probe', { x: 1 }, 'dedupe-1');
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);

    const rpc = app.get(NatsRpcClient);
    const answer = await rpc.request(
      IdentityRequestSubjects.membershipGet,
      { userId: u.user.id, workspaceId: u.workspace.id },
      MembershipGetResponseSchema,
    );
    expect(answer).toEqual({ member: true, role: 'owner' });
    const none = await rpc.request(
      IdentityRequestSubjects.membershipGet,
      { userId: u.user.id, workspaceId: randomUUID() },
      MembershipGetResponseSchema,
    );
    expect(none).toEqual({ member: false, role: null });
  });

  it('guards every route unless it is explicitly public', () => {
    const routes = listRoutes(app);
    expect(routes.length).toBeGreaterThan(20);
    const publicRoutes = routes
      .filter((r) => r.isPublic)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(publicRoutes).toEqual([
      'GET /auth/.well-known/jwks.json',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'POST /auth/login',
      'POST /auth/password-reset',
      'POST /auth/password-reset/confirm',
      'POST /auth/refresh',
      'POST /auth/register',
    ]);
  });

  it('has no drift between entities and migrations', async () => {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });

  it('serves health, metrics and the OpenAPI document', async () => {
    expect((await api('GET', '/health/live')).status).toBe(200);
    const ready = await api<{ checks: Record<string, { ok: boolean }> }>('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks).sort()).toEqual(['database:identity', 'nats', 'redis']);
    const metrics = await api<string>('GET', '/metrics');
    expect(metrics.body).toContain('http_server_request_duration_seconds');
    const doc = await api<{ paths: Record<string, unknown> }>('GET', '/api/docs/openapi.json', {
      ip: nextTestIp(),
    });
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/workspaces/{id}/members']),
    );
    const anyRes = await api('GET', '/api/auth/me', { ip: nextTestIp() });
    expect(anyRes.headers.get('x-request-id')).toBeTruthy();
  });
});
