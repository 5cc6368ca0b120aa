import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { RevokeRequest } from '../accounts/accounts.service';
import { n, rows } from '../ledger/sql';

type Reversal = RevokeRequest;

/**
 * What a refund or a dispute takes back from the grant the payment bought, in proportion to the
 * money reversed (a credit pack grants its price, so 1 cent = 10,000 micro-USD of credit).
 * `charge.refunded` carries the charge's cumulative `amount_refunded`: the target is that share of
 * the grant minus what refunds already took, so partial refunds delivered in any order add up.
 * A dispute takes back its disputed share. `AccountsService.revokeIn` caps the total at the grant.
 */
export async function reversalFor(
  m: EntityManager,
  event: Stripe.Event,
): Promise<Reversal | { skip: string }> {
  let paymentIntent: string | null;
  let share: (grantMicros: number, refundedByRefunds: number) => number;
  let description: string;
  let key: string;
  if (event.type === 'charge.refunded') {
    const charge = event.data.object;
    paymentIntent = idOf(charge.payment_intent);
    share = (g, before) => proportion(g, charge.amount_refunded, charge.amount) - before;
    description = `refund of ${charge.id}`;
    key = `revoke:refund:${event.id}`;
  } else if (event.type === 'charge.dispute.created') {
    const dispute = event.data.object;
    paymentIntent = idOf(dispute.payment_intent);
    const charged = typeof dispute.charge === 'string' ? null : dispute.charge.amount;
    share = (g) => proportion(g, dispute.amount, charged ?? dispute.amount);
    description = `dispute ${dispute.id}`;
    key = `revoke:dispute:${event.id}`;
  } else return { skip: `not a reversal: ${event.type}` };
  if (!paymentIntent) return { skip: 'no payment intent' };

  const [grant] = await rows<{
    id: string;
    workspace_id: string;
    amount: string;
    refunded: string;
  }>(
    m,
    `SELECT g.id, g.workspace_id, g.amount,
            COALESCE((SELECT -SUM(e.available_delta) FROM billing.ledger_entries e
                      WHERE e.grant_id = g.id AND e.kind = 'revoke' AND e.idempotency_key LIKE 'revoke:refund:%'), 0) AS refunded
     FROM billing.credit_grants g WHERE g.stripe_payment_intent = $1`,
    [paymentIntent],
  );
  if (!grant) return { skip: `no grant bought by ${paymentIntent}` };
  return {
    workspaceId: grant.workspace_id,
    grantId: grant.id,
    amountMicros: share(n(grant.amount), n(grant.refunded)),
    description,
    idempotencyKey: key,
  };
}

function idOf(ref: string | { id: string } | null): string | null {
  return typeof ref === 'string' ? ref : (ref?.id ?? null);
}

/** `grant × part / whole`, rounded down (never more than was paid for). */
function proportion(grantMicros: number, part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Number((BigInt(grantMicros) * BigInt(part)) / BigInt(whole));
}
