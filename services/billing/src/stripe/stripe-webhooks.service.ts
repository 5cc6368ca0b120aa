import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Problems } from '@postmagiq/platform';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BILLING_DB } from '../entities';
import { rows } from '../ledger/sql';
import { reversalFor } from './payment-reversal';
import { allowanceFor } from './plan-allowance';
import { STRIPE_API_VERSION } from './sdk-stripe-gateway';

export type WebhookOutcome = 'handled' | 'duplicate' | 'ignored';

/** What billing puts in a Checkout session's metadata, and reads back from its webhook. */
interface CreditPackMetadata {
  workspaceId?: string;
  creditMicros?: string;
}

/**
 * Stripe webhooks: the raw body verified (`constructEventAsync`, Stripe's default 300 s
 * tolerance), then one transaction that inserts the event id first — a duplicate does nothing —
 * and applies the event. Credit is granted only for paid payments; an older subscription update
 * never overwrites a newer one; unknown types are recorded and ignored.
 */
@Injectable()
export class StripeWebhooksService {
  private readonly logger = new Logger('StripeWebhooks');
  private readonly stripe: Stripe | null;

  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly accounts: AccountsService,
  ) {
    this.stripe = config.STRIPE_SECRET_KEY
      ? new Stripe(config.STRIPE_SECRET_KEY, { apiVersion: STRIPE_API_VERSION })
      : null;
  }

  get enabled(): boolean {
    return this.stripe !== null;
  }

  async receive(
    rawBody: Buffer | undefined,
    signature: string | undefined,
  ): Promise<WebhookOutcome> {
    if (!this.stripe || !this.config.STRIPE_WEBHOOK_SECRET) throw Problems.notFound('route');
    if (!rawBody || !signature)
      throw Problems.validation([{ field: 'stripe-signature', message: 'missing' }]);
    let event: Stripe.Event;
    try {
      event = await this.stripe.webhooks.constructEventAsync(
        rawBody,
        signature,
        this.config.STRIPE_WEBHOOK_SECRET,
      );
    } catch (e) {
      // tampered, signed with another secret, or older than the tolerance: never applied
      throw Problems.validation([{ field: 'stripe-signature', message: (e as Error).message }]);
    }
    return this.ds.transaction(async (m) => {
      const inserted = await rows(
        m,
        `INSERT INTO billing.stripe_events (id, type, created) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, event.created],
      );
      if (inserted.length === 0) return 'duplicate';
      return this.apply(m, event);
    });
  }

  private async apply(m: EntityManager, event: Stripe.Event): Promise<WebhookOutcome> {
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        const session = event.data.object;
        // completed with a delayed payment method: not paid yet, async_payment_succeeded follows
        if (session.mode !== 'payment' || session.payment_status !== 'paid') return 'ignored';
        const meta = (session.metadata ?? {}) as CreditPackMetadata;
        const amount = Number(meta.creditMicros);
        if (!meta.workspaceId || !Number.isSafeInteger(amount) || amount <= 0) {
          this.logger.error(
            `checkout ${session.id}: no workspace or credit in its metadata, nothing granted`,
          );
          return 'ignored';
        }
        await this.accounts.grantIn(m, {
          workspaceId: meta.workspaceId,
          source: 'purchase',
          sourceRef: `checkout:${session.id}`,
          amountMicros: amount,
          description: 'credit pack',
          stripePaymentIntent:
            typeof session.payment_intent === 'string'
              ? session.payment_intent
              : (session.payment_intent?.id ?? null),
        });
        return 'handled';
      }
      case 'invoice.paid': {
        const allowance = await allowanceFor(m, event.data.object);
        if ('skip' in allowance) {
          this.logger.log(`invoice ${event.data.object.id}: no allowance (${allowance.skip})`);
          return 'ignored';
        }
        await this.accounts.grantIn(m, allowance.grant);
        await m.query(`UPDATE billing.accounts SET plan_code = $2 WHERE workspace_id = $1`, [
          allowance.grant.workspaceId,
          allowance.planCode,
        ]);
        return 'handled';
      }
      case 'charge.refunded':
      case 'charge.dispute.created': {
        const reversal = await reversalFor(m, event);
        if ('skip' in reversal) {
          this.logger.log(`${event.type} ${event.id}: nothing to take back (${reversal.skip})`);
          return 'ignored';
        }
        await this.accounts.revokeIn(m, reversal);
        return 'handled';
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const sub = event.data.object;
        const workspaceId = sub.metadata?.['workspaceId'];
        if (!workspaceId) return 'ignored';
        // out of order: only an event newer than the one that wrote the row replaces it
        await m.query(
          `INSERT INTO billing.subscriptions (id, workspace_id, plan_code, status, event_created)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET plan_code = EXCLUDED.plan_code, status = EXCLUDED.status,
             event_created = EXCLUDED.event_created
           WHERE billing.subscriptions.event_created < EXCLUDED.event_created`,
          [sub.id, workspaceId, sub.metadata?.['planCode'] ?? null, sub.status, event.created],
        );
        return 'handled';
      }
      default:
        return 'ignored';
    }
  }
}
