import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { GrantRequest } from '../accounts/accounts.service';
import { n, rows } from '../ledger/sql';

/** Invoices that open a subscription period; a proration (`subscription_update`) grants nothing. */
const PERIOD_INVOICES = new Set(['subscription_create', 'subscription_cycle']);

/**
 * The allowance a paid subscription invoice grants: the plan's monthly allowance, once per
 * subscription period (grant ref `<subscription>:<period start>`, so its ledger key is
 * `grant:allowance:<subscription>:<period start>`), expiring at the period's end. The workspace is
 * the subscription's `workspaceId` metadata, else the account of the invoice's customer; the plan
 * is the one whose `stripe_price_id` is on the subscription line, else the `planCode` metadata.
 * `skip` (with why) when the invoice grants nothing.
 */
export async function allowanceFor(
  m: EntityManager,
  invoice: Stripe.Invoice,
): Promise<{ grant: GrantRequest; planCode: string } | { skip: string }> {
  if (!invoice.billing_reason || !PERIOD_INVOICES.has(invoice.billing_reason))
    return { skip: `billing_reason ${invoice.billing_reason}` };
  const details = invoice.parent?.subscription_details;
  if (!details) return { skip: 'not a subscription invoice' };
  const subscription =
    typeof details.subscription === 'string' ? details.subscription : details.subscription.id;
  const line =
    invoice.lines?.data?.find(
      (l) => l.parent?.subscription_item_details?.subscription === subscription,
    ) ?? invoice.lines?.data?.[0];
  if (!line?.period) return { skip: 'no subscription line with a period' };

  const workspaceId = details.metadata?.['workspaceId'] ?? (await workspaceOf(m, invoice.customer));
  if (!workspaceId) return { skip: 'no workspace for the subscription or its customer' };

  const price = line.pricing?.price_details?.price;
  const priceId = typeof price === 'string' ? price : (price?.id ?? null);
  const [plan] = await rows<{ code: string; name: string; allowance: string }>(
    m,
    `SELECT code, name, allowance FROM billing.plans
     WHERE stripe_price_id = $1 OR code = $2
     ORDER BY (stripe_price_id = $1) DESC NULLS LAST LIMIT 1`,
    [priceId, details.metadata?.['planCode'] ?? null],
  );
  if (!plan) return { skip: `no plan for price ${priceId}` };
  if (n(plan.allowance) <= 0) return { skip: `plan ${plan.code} has no allowance` };
  return {
    planCode: plan.code,
    grant: {
      workspaceId,
      source: 'allowance',
      sourceRef: `${subscription}:${line.period.start}`,
      amountMicros: n(plan.allowance),
      expiresAt: new Date(line.period.end * 1000),
      description: `${plan.name} monthly allowance`,
    },
  };
}

async function workspaceOf(
  m: EntityManager,
  customer: string | Stripe.Customer | Stripe.DeletedCustomer | null,
): Promise<string | null> {
  const id = typeof customer === 'string' ? customer : (customer?.id ?? null);
  if (!id) return null;
  const [row] = await rows<{ workspace_id: string }>(
    m,
    `SELECT workspace_id FROM billing.accounts WHERE stripe_customer_id = $1`,
    [id],
  );
  return row?.workspace_id ?? null;
}
