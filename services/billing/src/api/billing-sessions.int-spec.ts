import type { INestApplication } from '@nestjs/common';
import { startTestInfra, TestInfra, TestTokenIssuer } from '@postmagiq/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeStripeGateway } from '../stripe/fake-stripe-gateway';
import { dataSourceOf, METERED, startBilling } from '../testing/billing-harness';
import { startStripeMock } from '../testing/stripe-mock';

jest.setTimeout(180_000);

/** Checkout and Customer Portal through the HTTP API: without Stripe, on the fake, on stripe-mock. */
describe('POST /api/billing/checkout and /portal', () => {
  let infra: TestInfra;
  let identity: TestTokenIssuer;
  const dirs: string[] = [];
  const apps: INestApplication[] = [];
  let stopMock: (() => void) | undefined;
  const fake = new FakeStripeGateway();
  let unmetered: string;
  let onFake: INestApplication;
  let onFakeUrl: string;
  let onMock: string;

  async function boot(env: Record<string, string>, gateway?: FakeStripeGateway | object) {
    const dir = mkdtempSync(join(tmpdir(), 'pmq-billing-sessions-'));
    dirs.push(dir);
    const app = await startBilling(
      {
        ...infra.env,
        DATA_DIR: dir,
        IDENTITY_JWKS_URL: identity.jwksUrl,
        APP_BASE_URL: 'https://app.example.com/',
        ...env,
      },
      gateway ? { stripeGateway: gateway as FakeStripeGateway } : {},
    );
    apps.push(app);
    const { port } = app.getHttpServer().address() as { port: number };
    return { app, url: `http://127.0.0.1:${port}/api/billing` };
  }

  beforeAll(async () => {
    infra = await startTestInfra();
    identity = await TestTokenIssuer.start();
    unmetered = (await boot({})).url;
    ({ app: onFake, url: onFakeUrl } = await boot(METERED, fake));
    const mock = await startStripeMock();
    stopMock = mock.stop;
    onMock = (await boot(METERED, mock.gateway)).url;
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    stopMock?.();
    await identity?.stop();
    await infra?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function post(base: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${base}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown> & {
        url?: string;
        sessionId?: string;
        errors?: Array<{ field: string }>;
      },
    };
  }

  async function customerOf(workspaceId: string): Promise<string | null> {
    const [row] = (await dataSourceOf(onFake).query(
      `SELECT stripe_customer_id FROM billing.accounts WHERE workspace_id = $1`,
      [workspaceId],
    )) as Array<{ stripe_customer_id: string | null }>;
    return row?.stripe_customer_id ?? null;
  }

  it('answers 409 billing-not-configured without STRIPE_SECRET_KEY', async () => {
    const owner = await identity.caller('owner');
    for (const path of ['checkout', 'portal']) {
      const res = await post(unmetered, path, owner.token, { amountMicros: 20_000_000 });
      expect(res.status).toBe(409);
      expect(res.type).toMatch(/application\/problem\+json/);
      expect(res.body['type']).toBe('https://postmagiq.dev/problems/billing-not-configured');
      expect(res.body['detail']).toMatch(/billing is not configured on this install/);
    }
  });

  it('creates the Stripe customer on first use and a Checkout session carrying the workspace and the credit', async () => {
    const owner = await identity.caller('owner');
    const first = await post(onFakeUrl, 'checkout', owner.token, { amountMicros: 20_000_000 });
    expect(first.status).toBe(201);
    expect(first.body.url).toMatch(/^https:\/\//);
    const customer = await customerOf(owner.workspaceId);
    expect(customer).toMatch(/^cus_/);
    expect(fake.customers.get(customer!)).toEqual({ workspaceId: owner.workspaceId });
    expect(fake.checkouts.get(first.body.sessionId!)).toEqual({
      customerId: customer,
      amountCents: 2_000,
      metadata: { workspaceId: owner.workspaceId, creditMicros: '20000000' },
    });

    // a second purchase: a new session, the same customer
    const second = await post(onFakeUrl, 'checkout', owner.token, { amountMicros: 5_000_000 });
    expect(second.body.sessionId).not.toBe(first.body.sessionId);
    expect(fake.checkouts.get(second.body.sessionId!)?.customerId).toBe(customer);
    expect(
      [...fake.customers.values()].filter((c) => c.workspaceId === owner.workspaceId),
    ).toHaveLength(1);
  });

  it('makes one customer when two first requests race', async () => {
    const owner = await identity.caller('owner');
    const [a, b] = await Promise.all([
      post(onFakeUrl, 'portal', owner.token),
      post(onFakeUrl, 'checkout', owner.token, { amountMicros: 10_000_000 }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(
      [...fake.customers.values()].filter((c) => c.workspaceId === owner.workspaceId),
    ).toHaveLength(1);
    expect(fake.checkouts.get(b.body.sessionId!)?.customerId).toBe(
      await customerOf(owner.workspaceId),
    );
  });

  it('gives a Customer Portal URL', async () => {
    const owner = await identity.caller('owner');
    const res = await post(onFakeUrl, 'portal', owner.token);
    expect(res.status).toBe(201);
    expect(res.body.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
  });

  it('refuses an amount that is not a whole number of dollars within 5 to 1,000, naming the field, and creates nothing', async () => {
    const owner = await identity.caller('owner');
    for (const amountMicros of [20_500_000, 1_000_000, 2_000_000_000, -5_000_000, '20']) {
      const res = await post(onFakeUrl, 'checkout', owner.token, { amountMicros });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.field).toBe('amountMicros');
    }
    expect(await customerOf(owner.workspaceId)).toBeNull();
  });

  it('needs billing:manage: an admin (billing:read only) gets 403', async () => {
    const admin = await identity.caller('admin');
    expect(
      (await post(onFakeUrl, 'checkout', admin.token, { amountMicros: 5_000_000 })).status,
    ).toBe(403);
    expect((await post(onFakeUrl, 'portal', admin.token)).status).toBe(403);
  });

  it('drives the official SDK against stripe-mock (wire shapes of customer, Checkout and Portal)', async () => {
    const owner = await identity.caller('owner');
    const checkout = await post(onMock, 'checkout', owner.token, { amountMicros: 20_000_000 });
    expect(checkout.status).toBe(201);
    expect(checkout.body.url).toMatch(/^https:\/\//);
    expect(checkout.body.sessionId).toMatch(/^cs_/);
    const portal = await post(onMock, 'portal', owner.token);
    expect(portal.status).toBe(201);
    expect(portal.body.url).toMatch(/^https:\/\//);
  });
});
