import { listRoutes } from '@postmagiq/platform';
import {
  apiClient,
  freePort,
  nextTestIp,
  startTestInfra,
  TestInfra,
} from '@postmagiq/platform/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoAccountService } from '@postmagiq/identity';
import { bootStandalone, StandaloneApp } from './bootstrap-standalone';

jest.setTimeout(120_000);

describe('standalone process (one port, every service module)', () => {
  let infra: TestInfra;
  let dataDir: string;
  let standalone: StandaloneApp;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-standalone-'));
    const port = await freePort();
    standalone = await bootStandalone({
      ...infra.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await standalone?.app.close();
    await infra?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is ready, creates the demo account once and lets it log in', async () => {
    const api = apiClient(standalone.url);
    expect((await api('GET', '/health/ready')).status).toBe(200);
    expect(standalone.demo.created).toBe(true);
    const saved = JSON.parse(readFileSync(join(dataDir, 'demo-account.json'), 'utf8')) as {
      email: string;
      password: string;
    };
    expect(saved).toEqual({ email: standalone.demo.email, password: standalone.demo.password });
    const login = await api<{ accessToken: string; scopes: string[] }>('POST', '/api/auth/login', {
      body: saved,
      ip: nextTestIp(),
    });
    expect(login.status).toBe(200);
    // the demo account is the system owner, so the admin area is reachable from the console
    expect(login.body.scopes).toContain('admin:system');
    expect(
      (await api('GET', '/api/auth/me', { token: login.body.accessToken, ip: nextTestIp() }))
        .status,
    ).toBe(200);
  });

  it('never prints a demo password that opens no account of the database', async () => {
    const demo = standalone.app.get(DemoAccountService);
    const saved = JSON.parse(readFileSync(join(dataDir, 'demo-account.json'), 'utf8')) as {
      email: string;
      password: string;
    };
    // a later start with the same login: still printed
    expect(await demo.ensure(saved.email, saved.password)).toEqual({ ...saved, created: false });
    // a database set up elsewhere, or credentials that changed: nothing is created, no password printed
    expect(await demo.ensure('someone-else@example.com', 'a different password')).toEqual({
      email: 'someone-else@example.com',
      password: null,
      created: false,
    });
    expect(await demo.ensure(saved.email, 'not the demo password')).toMatchObject({
      password: null,
      created: false,
    });
  });

  it('serves the workspace billing unmetered: account, ledger, prices and auto-recharge settings', async () => {
    const api = apiClient(standalone.url);
    const login = await api<{ accessToken: string }>('POST', '/api/auth/login', {
      body: { email: standalone.demo.email, password: standalone.demo.password },
      ip: nextTestIp(),
    });
    const token = login.body.accessToken;
    const account = await api<{ metered: boolean; balance: unknown }>(
      'GET',
      '/api/billing/account',
      { token, ip: nextTestIp() },
    );
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({
      metered: false,
      balance: { availableMicros: 0, heldMicros: 0 },
    });
    const ledger = await api<{ items: unknown[]; total: number }>(
      'GET',
      '/api/billing/ledger?limit=10',
      { token, ip: nextTestIp() },
    );
    expect(ledger.body).toMatchObject({ items: [], total: 0, limit: 10, offset: 0 });
    const prices = await api<{ models: Array<{ model: string; inputPerMTokMicros: number }> }>(
      'GET',
      '/api/billing/prices',
      { token, ip: nextTestIp() },
    );
    expect(prices.body.models).toContainEqual(
      expect.objectContaining({ model: 'claude-sonnet-4-5', inputPerMTokMicros: 3_000_000 }),
    );
    const bad = await api<{ errors: Array<{ field: string }> }>(
      'PUT',
      '/api/billing/auto-recharge',
      {
        token,
        body: {
          enabled: true,
          thresholdMicros: 5_000_000,
          targetMicros: 1_000_000,
          monthlyCapMicros: 50_000_000,
        },
        ip: nextTestIp(),
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['targetMicros']);
    const settings = {
      enabled: true,
      thresholdMicros: 1_000_000,
      targetMicros: 5_000_000,
      monthlyCapMicros: 50_000_000,
    };
    expect(
      (await api('PUT', '/api/billing/auto-recharge', { token, body: settings, ip: nextTestIp() }))
        .body,
    ).toEqual(settings);
    expect(
      (await api('GET', '/api/billing/usage?groupBy=week', { token, ip: nextTestIp() })).status,
    ).toBe(400);
    expect((await api('GET', '/api/billing/account', { ip: nextTestIp() })).status).toBe(401);
  });

  it('guards every route of the composed application unless it is public', () => {
    const unexpected = listRoutes(standalone.app)
      .filter((r) => r.isPublic)
      .map((r) => `${r.method} ${r.path}`)
      .filter(
        (r) =>
          !/^(GET \/health\/|GET \/metrics$|POST \/auth\/(login|register|refresh|password-reset)|GET \/auth\/\.well-known|POST \/billing\/stripe\/webhook$)/.test(
            r,
          ),
      );
    expect(unexpected).toEqual([]);
  });
});
