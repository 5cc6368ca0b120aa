import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { USAGE_STREAM } from '@postmagiq/contracts';
import { Client } from 'pg';

export interface BillingCheck {
  /** Usage events booked in billing's ledger. */
  ledgerEvents: number;
  /** Agent calls of the runs with no usage event in the ledger. */
  callsNotInLedger: number;
  /** Workspaces whose balance differs from the sum of their ledger entries. */
  balanceMismatches: number;
}

/**
 * What billing made of the chaos: once its usage consumer has acknowledged the whole stream,
 * the ledger must hold each agent call's usage once, and every balance must equal its entries.
 */
export async function checkBilling(
  nc: NatsConnection,
  postgresUrl: string,
  callIds: string[],
  timeoutMs = 120_000,
): Promise<BillingCheck> {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stream = await jsm.streams.info(USAGE_STREAM);
    const c = await jsm.consumers.info(USAGE_STREAM, 'billing-usage').catch(() => null);
    const done =
      c &&
      c.num_pending === 0 &&
      c.num_ack_pending === 0 &&
      c.delivered.stream_seq >= stream.state.last_seq;
    if (done) break;
    if (Date.now() > deadline) throw new Error('billing did not catch up with the usage stream');
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const db = new Client({ connectionString: postgresUrl });
  await db.connect();
  try {
    const booked = await db.query<{ msg_id: string }>(
      `SELECT msg_id FROM billing.usage_events WHERE msg_id = ANY($1)`,
      [callIds],
    );
    const all = await db.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM billing.usage_events`,
    );
    const mismatches = await db.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM billing.balances b
       LEFT JOIN (SELECT workspace_id, SUM(available_delta) a, SUM(held_delta) h
                  FROM billing.ledger_entries GROUP BY workspace_id) e USING (workspace_id)
       WHERE b.available <> COALESCE(e.a, 0) OR b.held <> COALESCE(e.h, 0)`,
    );
    return {
      ledgerEvents: all.rows[0]!.n,
      callsNotInLedger: new Set(callIds).size - booked.rows.length,
      balanceMismatches: mismatches.rows[0]!.n,
    };
  } finally {
    await db.end();
  }
}
