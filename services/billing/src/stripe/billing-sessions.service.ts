import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BillingSessionUrl, CheckoutRequest } from '@postmagiq/contracts';
import { PROBLEM_BASE, ProblemException, Problems } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BILLING_DB } from '../entities';
import { Ledger } from '../ledger/ledger';
import { rows } from '../ledger/sql';
import { StripeGateway, STRIPE_GATEWAY } from './stripe-gateway';

export const BILLING_NOT_CONFIGURED = `${PROBLEM_BASE}billing-not-configured`;

/**
 * Stripe-hosted pages for a workspace: Checkout for a credit pack, the Customer Portal. The Stripe
 * customer of the account is created on first use (idempotency key `customer:<workspace>`, so two
 * first requests at once make one customer). The return URLs are fixed (`APP_BASE_URL/billing`),
 * never taken from the request: no open redirect.
 */
@Injectable()
export class BillingSessionsService {
  private readonly logger = new Logger('BillingSessions');

  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    @Inject(STRIPE_GATEWAY) private readonly gateway: StripeGateway | null,
  ) {}

  async checkout(workspaceId: string, req: CheckoutRequest): Promise<BillingSessionUrl> {
    const gateway = this.requireGateway();
    const customerId = await this.customerOf(gateway, workspaceId);
    const back = this.returnUrl();
    const s = await this.call(() =>
      gateway.createCreditPackCheckout(
        {
          customerId,
          amountMicros: req.amountMicros,
          description: `${req.amountMicros / 1_000_000} USD of Postmagiq credit`,
          successUrl: `${back}?checkout=success`,
          cancelUrl: `${back}?checkout=cancelled`,
          // read back by the webhook, which grants the credit once the payment is paid
          metadata: { workspaceId, creditMicros: String(req.amountMicros) },
        },
        // each request is a new purchase; the key makes the SDK's own retries create one session
        `checkout:${workspaceId}:${randomUUID()}`,
      ),
    );
    return { url: s.url, sessionId: s.id };
  }

  async portal(workspaceId: string): Promise<BillingSessionUrl> {
    const gateway = this.requireGateway();
    const customerId = await this.customerOf(gateway, workspaceId);
    const p = await this.call(() =>
      gateway.createPortalSession({ customerId, returnUrl: this.returnUrl() }),
    );
    return { url: p.url };
  }

  private requireGateway(): StripeGateway {
    if (!this.gateway)
      throw Problems.conflict(
        'billing is not configured on this install (no STRIPE_SECRET_KEY): usage is recorded, nothing is charged',
        BILLING_NOT_CONFIGURED,
      );
    return this.gateway;
  }

  private returnUrl(): string {
    return `${this.config.APP_BASE_URL.replace(/\/$/, '')}/billing`;
  }

  /** The account's Stripe customer, created and stored on first use. */
  private async customerOf(gateway: StripeGateway, workspaceId: string): Promise<string> {
    await this.ds.transaction((m) =>
      Ledger.ensureAccount(m, workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS),
    );
    const [row] = await rows<{ stripe_customer_id: string | null }>(
      this.ds.manager,
      `SELECT stripe_customer_id FROM billing.accounts WHERE workspace_id = $1`,
      [workspaceId],
    );
    if (row?.stripe_customer_id) return row.stripe_customer_id;
    const created = await this.call(() =>
      gateway.createCustomer({ workspaceId }, `customer:${workspaceId}`),
    );
    // a concurrent first request stored its customer first: keep that one
    const [stored] = await this.ds.transaction((m) =>
      rows<{ stripe_customer_id: string }>(
        m,
        `UPDATE billing.accounts SET stripe_customer_id = COALESCE(stripe_customer_id, $2), updated_at = now()
       WHERE workspace_id = $1 RETURNING stripe_customer_id`,
        [workspaceId, created.id],
      ),
    );
    return stored!.stripe_customer_id;
  }

  /** A failed Stripe call answers 503 (try again); its message is logged, never sent. */
  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ProblemException) throw e;
      this.logger.error(`Stripe call failed: ${(e as Error).message}`);
      throw Problems.unavailable('Stripe did not complete the request; try again');
    }
  }
}
