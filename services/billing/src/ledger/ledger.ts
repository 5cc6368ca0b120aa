import type { Balance, LedgerEntryKind } from '@postmagiq/contracts';
import type { EntityManager } from 'typeorm';
import { n, rows } from './sql';

/** One append to the ledger; the balance moves by its deltas only if the key is new. */
export interface EntryDraft {
  workspaceId: string;
  idempotencyKey: string;
  kind: LedgerEntryKind;
  availableDelta: number;
  heldDelta: number;
  runId?: string | null;
  grantId?: string | null;
  description?: string;
}

export interface LockedBalance extends Balance {
  overdraftLimitMicros: number;
}

/**
 * The ledger's primitives, used inside a transaction. Every write of a workspace first locks its
 * balance row (`lockBalance`), so a workspace's money moves one transaction at a time and the
 * balance always equals the sum of its entries.
 */
export const Ledger = {
  /** The account and balance rows of a workspace, created if missing; true when created now. */
  async ensureAccount(
    m: EntityManager,
    workspaceId: string,
    overdraftLimit: number,
  ): Promise<boolean> {
    const created = await rows(
      m,
      `INSERT INTO billing.accounts (workspace_id, overdraft_limit) VALUES ($1, $2)
       ON CONFLICT (workspace_id) DO NOTHING RETURNING workspace_id`,
      [workspaceId, overdraftLimit],
    );
    await m.query(
      `INSERT INTO billing.balances (workspace_id) VALUES ($1) ON CONFLICT (workspace_id) DO NOTHING`,
      [workspaceId],
    );
    return created.length > 0;
  },

  /** Locks the workspace's balance row, opening its account first if it has none. */
  async lockAccount(
    m: EntityManager,
    workspaceId: string,
    overdraftLimit: number,
  ): Promise<LockedBalance> {
    const locked = await Ledger.lockBalance(m, workspaceId);
    if (locked) return locked;
    await Ledger.ensureAccount(m, workspaceId, overdraftLimit);
    return (await Ledger.lockBalance(m, workspaceId))!;
  },

  /** Locks the workspace's balance row for this transaction (null: no account). */
  async lockBalance(m: EntityManager, workspaceId: string): Promise<LockedBalance | null> {
    const [row] = await rows<{ available: string; held: string; overdraft_limit: string }>(
      m,
      `SELECT b.available, b.held, a.overdraft_limit FROM billing.balances b
       JOIN billing.accounts a ON a.workspace_id = b.workspace_id
       WHERE b.workspace_id = $1 FOR UPDATE OF b`,
      [workspaceId],
    );
    if (!row) return null;
    return {
      availableMicros: n(row.available),
      heldMicros: n(row.held),
      overdraftLimitMicros: n(row.overdraft_limit),
    };
  },

  /**
   * Appends entries (one statement) and moves the balance by the deltas of those whose key was
   * new; returns the keys written. All entries must belong to one workspace, whose balance row the
   * caller has locked.
   */
  async append(m: EntityManager, entries: EntryDraft[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const workspaceId = entries[0]!.workspaceId;
    const params: unknown[] = [];
    const values = entries.map((e) => {
      if (e.workspaceId !== workspaceId) throw new Error('Ledger.append: one workspace per call');
      params.push(
        e.workspaceId,
        e.idempotencyKey,
        e.kind,
        e.availableDelta,
        e.heldDelta,
        e.runId ?? null,
        e.grantId ?? null,
        (e.description ?? '').slice(0, 500),
      );
      const b = params.length - 8;
      return `($${b + 1}::uuid, $${b + 2}, $${b + 3}, $${b + 4}::bigint, $${b + 5}::bigint, $${b + 6}::uuid, $${b + 7}::uuid, $${b + 8})`;
    });
    const written = await rows<{
      idempotency_key: string;
      available_delta: string;
      held_delta: string;
    }>(
      m,
      `INSERT INTO billing.ledger_entries
         (workspace_id, idempotency_key, kind, available_delta, held_delta, run_id, grant_id, description)
       VALUES ${values.join(', ')}
       ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
       RETURNING idempotency_key, available_delta, held_delta`,
      params,
    );
    let available = 0;
    let held = 0;
    for (const w of written) {
      available += n(w.available_delta);
      held += n(w.held_delta);
    }
    if (written.length > 0)
      await m.query(
        `UPDATE billing.balances SET available = available + $2, held = held + $3, updated_at = now()
         WHERE workspace_id = $1`,
        [workspaceId, available, held],
      );
    return new Set(written.map((w) => w.idempotency_key));
  },

  /**
   * Draws `amount` of spend from the workspace's live grants: by priority (lower first), then
   * earliest expiry, then oldest, in one statement. What no grant covers is overdraft (the
   * balance, not a grant, records it). Needs the balance row locked.
   */
  async drawGrants(m: EntityManager, workspaceId: string, amount: number): Promise<void> {
    if (amount <= 0) return;
    await m.query(
      `WITH ordered AS (
         SELECT id, remaining,
                COALESCE(SUM(remaining) OVER (
                  ORDER BY priority, expires_at NULLS LAST, created_at, id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
         FROM billing.credit_grants
         WHERE workspace_id = $1 AND remaining > 0 AND voided_at IS NULL
           AND effective_at <= now() AND (expires_at IS NULL OR expires_at > now()))
       UPDATE billing.credit_grants g
       SET remaining = g.remaining - LEAST(o.remaining, $2::bigint - o.before)
       FROM ordered o WHERE g.id = o.id AND o.before < $2::bigint`,
      [workspaceId, amount],
    );
  },

  async balanceOf(m: EntityManager, workspaceId: string): Promise<Balance> {
    const [row] = await rows<{ available: string; held: string }>(
      m,
      `SELECT available, held FROM billing.balances WHERE workspace_id = $1`,
      [workspaceId],
    );
    return { availableMicros: n(row?.available), heldMicros: n(row?.held) };
  },
};
