import type { INestApplication } from '@nestjs/common';
import { startTestInfra, TestInfra } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { AccountsService } from '../accounts/accounts.service';
import { Ledger } from '../ledger/ledger';
import { balanceMismatches, dataSourceOf, METERED, startBilling } from '../testing/billing-harness';

jest.setTimeout(120_000);

const stripe = new Stripe('sk_test_fixtures');

/** Signed webhook deliveries to the real endpoint (raw body, constructEventAsync). */
describe('Stripe webhooks', () => {
  let infra: TestInfra;
  let dataDir: string;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-billing-webhooks-'));
    app = await startBilling({ ...infra.env, DATA_DIR: dataDir, ...METERED });
    const address = app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${address.port}/api/billing/stripe/webhook`;
  });
  afterAll(async () => {
    await app?.close();
    await infra?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let created = 1_790_000_000;
  function event(
    type: string,
    object: Record<string, unknown>,
    over: { id?: string; created?: number } = {},
  ) {
    created += 1;
    return {
      id: over.id ?? `evt_${randomUUID().slice(0, 18)}`,
      object: 'event',
      type,
      created: over.created ?? created,
      data: { object },
      api_version: '2026-08-26.dahlia',
      livemode: false,
      pending_webhooks: 1,
      request: null,
    };
  }

  async function deliver(
    body: object,
    opts: { timestamp?: number; tamper?: boolean; secret?: string } = {},
  ) {
    const payload = JSON.stringify(body);
    const header = await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: opts.secret ?? METERED.STRIPE_WEBHOOK_SECRET,
      ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: opts.tamper
        ? payload.replace('"paid"', '"PAID"').replace('20000000', '90000000')
        : payload,
    });
    return {
      status: res.status,
      body: (await res.json()) as { outcome?: string; errors?: Array<{ field: string }> },
    };
  }

  const checkout = (
    ws: string,
    paymentStatus: string,
    id = `cs_test_${randomUUID().slice(0, 12)}`,
  ) => ({
    id,
    object: 'checkout.session',
    mode: 'payment',
    payment_status: paymentStatus,
    metadata: { workspaceId: ws, creditMicros: '20000000' },
  });

  async function granted(ws: string): Promise<number> {
    const [row] = (await dataSourceOf(app).query(
      `SELECT COALESCE(SUM(amount), 0)::bigint AS total FROM billing.credit_grants WHERE workspace_id = $1`,
      [ws],
    )) as Array<{ total: string }>;
    return Number(row!.total);
  }

  it('grants a credit pack only once it is paid: completed unpaid, then async payment succeeded', async () => {
    const ws = randomUUID();
    const session = checkout(ws, 'unpaid');
    expect((await deliver(event('checkout.session.completed', session))).body.outcome).toBe(
      'ignored',
    );
    expect(await granted(ws)).toBe(0);
    expect(
      (
        await deliver(
          event('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' }),
        )
      ).body.outcome,
    ).toBe('handled');
    expect(await granted(ws)).toBe(20_000_000);
  });

  it('answers a duplicate delivery 200 and does nothing', async () => {
    const ws = randomUUID();
    const paid = event('checkout.session.completed', checkout(ws, 'paid'));
    expect((await deliver(paid)).body.outcome).toBe('handled');
    const again = await deliver(paid);
    expect(again).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } });
    expect(await granted(ws)).toBe(20_000_000);
  });

  it('refuses a tampered body, another secret and a delivery signed more than 300 s ago, and applies none', async () => {
    const ws = randomUUID();
    const tampered = await deliver(event('checkout.session.completed', checkout(ws, 'paid')), {
      tamper: true,
    });
    expect(tampered.status).toBe(400);
    expect(tampered.body.errors?.[0]?.field).toBe('stripe-signature');
    expect(
      (
        await deliver(event('checkout.session.completed', checkout(ws, 'paid')), {
          secret: 'whsec_other',
        })
      ).status,
    ).toBe(400);
    const stale = await deliver(event('checkout.session.completed', checkout(ws, 'paid')), {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.status).toBe(400);
    expect(await granted(ws)).toBe(0);
  });

  it('never lets an older subscription update overwrite a newer one', async () => {
    const ws = randomUUID();
    const sub = (status: string) => ({
      id: 'sub_ooo',
      object: 'subscription',
      status,
      metadata: { workspaceId: ws, planCode: 'pro' },
    });
    const newer = event('customer.subscription.updated', sub('past_due'), {
      created: 1_800_000_100,
    });
    const older = event('customer.subscription.updated', sub('active'), { created: 1_800_000_000 });
    await deliver(newer);
    await deliver(older);
    const [row] = (await dataSourceOf(app).query(
      `SELECT status FROM billing.subscriptions WHERE id = 'sub_ooo'`,
    )) as Array<{ status: string }>;
    expect(row!.status).toBe('past_due');
  });

  it('records and ignores an event type it does not know', async () => {
    expect(
      await deliver(
        event('radar.early_fraud_warning.created', {
          id: 'issfr_1',
          object: 'radar.early_fraud_warning',
        }),
      ),
    ).toEqual({
      status: 200,
      body: { received: true, outcome: 'ignored' },
    });
  });
  describe('plan allowances on invoice.paid', () => {
    const PERIOD_1 = 1_790_000_000;
    const PERIOD_2 = PERIOD_1 + 30 * 86_400;
    beforeAll(async () => {
      await dataSourceOf(app).query(
        `INSERT INTO billing.plans (code, name, monthly_price, allowance, stripe_price_id)
         VALUES ('pro', 'Pro', 29000000, 25000000, 'price_pro'), ('team', 'Team', 99000000, 90000000, 'price_team')
         ON CONFLICT (code) DO NOTHING`,
      );
    });

    const invoice = (o: {
      sub: string;
      start: number;
      reason?: string;
      price?: string;
      meta?: Record<string, string>;
      customer?: string;
    }) => ({
      id: `in_${randomUUID().slice(0, 12)}`,
      object: 'invoice',
      customer: o.customer ?? 'cus_nobody',
      billing_reason: o.reason ?? 'subscription_cycle',
      status: 'paid',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: o.sub, metadata: o.meta ?? {} },
      },
      lines: {
        object: 'list',
        data: [
          {
            id: `il_${randomUUID().slice(0, 12)}`,
            object: 'line_item',
            period: { start: o.start, end: o.start + 30 * 86_400 },
            pricing: { type: 'price_details', price_details: { price: o.price ?? 'price_pro' } },
            parent: {
              type: 'subscription_item_details',
              subscription_item_details: { subscription: o.sub, subscription_item: 'si_1' },
            },
          },
        ],
      },
    });

    async function allowances(ws: string) {
      return (await dataSourceOf(app).query(
        `SELECT g.amount::bigint AS amount, g.expires_at, e.idempotency_key
         FROM billing.credit_grants g JOIN billing.ledger_entries e ON e.grant_id = g.id
         WHERE g.workspace_id = $1 AND g.source = 'allowance' ORDER BY g.created_at`,
        [ws],
      )) as Array<{ amount: string; expires_at: Date; idempotency_key: string }>;
    }

    it("grants the plan's allowance once per period, expiring with it", async () => {
      const ws = randomUUID();
      const sub = `sub_${randomUUID().slice(0, 10)}`;
      const meta = { workspaceId: ws };
      const first = event(
        'invoice.paid',
        invoice({ sub, start: PERIOD_1, reason: 'subscription_create', meta }),
      );
      expect((await deliver(first)).body.outcome).toBe('handled');
      // another invoice paid for the same period (a retried payment, a second event): nothing more
      expect(
        (await deliver(event('invoice.paid', invoice({ sub, start: PERIOD_1, meta })))).body
          .outcome,
      ).toBe('handled');
      let rows = await allowances(ws);
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.amount)).toBe(25_000_000);
      expect(rows[0]!.idempotency_key).toBe(`grant:allowance:${sub}:${PERIOD_1}`);
      expect(new Date(rows[0]!.expires_at).getTime()).toBe((PERIOD_1 + 30 * 86_400) * 1000);

      // the next period grants again
      await deliver(event('invoice.paid', invoice({ sub, start: PERIOD_2, meta })));
      rows = await allowances(ws);
      expect(rows.map((r) => r.idempotency_key)).toEqual([
        `grant:allowance:${sub}:${PERIOD_1}`,
        `grant:allowance:${sub}:${PERIOD_2}`,
      ]);
      const [account] = (await dataSourceOf(app).query(
        `SELECT plan_code FROM billing.accounts WHERE workspace_id = $1`,
        [ws],
      )) as Array<{ plan_code: string }>;
      expect(account!.plan_code).toBe('pro');
      expect(await balanceMismatches(dataSourceOf(app))).toEqual([]);
    });

    it('finds the workspace by its Stripe customer and the plan by the price on the line', async () => {
      const ws = randomUUID();
      const customer = `cus_${randomUUID().slice(0, 10)}`;
      await app.get(AccountsService).open(ws);
      await dataSourceOf(app).query(
        `UPDATE billing.accounts SET stripe_customer_id = $2 WHERE workspace_id = $1`,
        [ws, customer],
      );
      await deliver(
        event(
          'invoice.paid',
          invoice({ sub: 'sub_team_1', start: PERIOD_1, price: 'price_team', customer }),
        ),
      );
      expect((await allowances(ws)).map((r) => Number(r.amount))).toEqual([90_000_000]);
    });

    it('grants nothing for a proration invoice, an unknown price, or an invoice without a subscription', async () => {
      const ws = randomUUID();
      const meta = { workspaceId: ws };
      const proration = invoice({
        sub: 'sub_p',
        start: PERIOD_1 + 86_400,
        reason: 'subscription_update',
        meta,
      });
      const unknown = invoice({ sub: 'sub_u', start: PERIOD_1, price: 'price_gone', meta });
      const oneOff = { ...invoice({ sub: 'sub_x', start: PERIOD_1, meta }), parent: null };
      for (const inv of [proration, unknown, oneOff])
        expect((await deliver(event('invoice.paid', inv))).body.outcome).toBe('ignored');
      expect(await allowances(ws)).toEqual([]);
    });
  });
  describe('refunds and disputes take the credit back', () => {
    async function paidPack(ws: string, paymentIntent: string) {
      const session = { ...checkout(ws, 'paid'), payment_intent: paymentIntent };
      expect((await deliver(event('checkout.session.completed', session))).body.outcome).toBe(
        'handled',
      );
    }
    const charge = (pi: string, amountRefunded: number) => ({
      id: `ch_${pi}`,
      object: 'charge',
      amount: 2_000,
      amount_refunded: amountRefunded,
      payment_intent: pi,
      refunded: amountRefunded === 2_000,
    });
    const dispute = (pi: string, amount: number) => ({
      id: `dp_${pi}`,
      object: 'dispute',
      amount,
      charge: `ch_${pi}`,
      payment_intent: pi,
      status: 'needs_response',
    });

    async function state(ws: string) {
      const ds = dataSourceOf(app);
      const [balance] = (await ds.query(
        `SELECT available::bigint AS available FROM billing.balances WHERE workspace_id = $1`,
        [ws],
      )) as Array<{ available: string }>;
      const revokes = (await ds.query(
        `SELECT -available_delta::bigint AS amount, grant_id FROM billing.ledger_entries
         WHERE workspace_id = $1 AND kind = 'revoke' ORDER BY id`,
        [ws],
      )) as Array<{ amount: string; grant_id: string | null }>;
      const [grant] = (await ds.query(
        `SELECT id, remaining::bigint AS remaining, voided_at FROM billing.credit_grants
         WHERE workspace_id = $1`,
        [ws],
      )) as Array<{ id: string; remaining: string; voided_at: Date | null }>;
      return {
        available: Number(balance!.available),
        revoked: revokes.map((r) => Number(r.amount)),
        againstGrant: revokes.every((r) => r.grant_id === grant!.id),
        remaining: Number(grant!.remaining),
        voided: grant!.voided_at !== null,
      };
    }

    it('takes back a partial then a full refund in proportion, once per event, never more than was granted', async () => {
      const ws = randomUUID();
      const pi = `pi_${randomUUID().slice(0, 12)}`;
      await paidPack(ws, pi);
      const partial = event('charge.refunded', charge(pi, 500));
      expect((await deliver(partial)).body.outcome).toBe('handled');
      expect((await deliver(partial)).body.outcome).toBe('duplicate');
      expect(await state(ws)).toMatchObject({
        available: 15_000_000,
        revoked: [5_000_000],
        againstGrant: true,
        remaining: 15_000_000,
        voided: false,
      });
      await deliver(event('charge.refunded', charge(pi, 2_000)));
      // the same cumulative refund reported again by another event takes nothing more
      await deliver(event('charge.refunded', charge(pi, 2_000)));
      expect(await state(ws)).toMatchObject({
        available: 0,
        revoked: [5_000_000, 15_000_000],
        remaining: 0,
        voided: true,
      });
      expect(await balanceMismatches(dataSourceOf(app))).toEqual([]);
    });

    it('takes back disputed credit, already spent or not, and a later refund of the same charge adds nothing', async () => {
      const ws = randomUUID();
      const pi = `pi_${randomUUID().slice(0, 12)}`;
      await paidPack(ws, pi);
      // 12 USD of it spent already: the balance goes below zero, the debt is visible
      await dataSourceOf(app).transaction(async (m) => {
        await m.query(`SELECT 1 FROM billing.balances WHERE workspace_id = $1 FOR UPDATE`, [ws]);
        await Ledger.append(m, [
          {
            workspaceId: ws,
            idempotencyKey: 'capture:test-spend',
            kind: 'capture',
            availableDelta: -12_000_000,
            heldDelta: 0,
          },
        ]);
        await Ledger.drawGrants(m, ws, 12_000_000);
      });
      expect(
        (await deliver(event('charge.dispute.created', dispute(pi, 2_000)))).body.outcome,
      ).toBe('handled');
      expect(await state(ws)).toMatchObject({
        available: -20_000_000 + 8_000_000,
        revoked: [20_000_000],
        remaining: 0,
        voided: true,
      });
      await deliver(event('charge.refunded', charge(pi, 2_000)));
      expect((await state(ws)).revoked).toEqual([20_000_000]);
      expect(await balanceMismatches(dataSourceOf(app))).toEqual([]);
    });

    it('ignores a refund of a payment that bought no credit', async () => {
      expect(
        (await deliver(event('charge.refunded', charge('pi_unknown_payment', 2_000)))).body.outcome,
      ).toBe('ignored');
    });
  });
});
