import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BillingEventSubjects, CreditAddedEvent } from '@postmagiq/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BILLING_DB, GrantSource } from '../entities';
import { BillingOutbox } from '../events/billing-outbox.service';
import { HoldsService } from '../holds/holds.service';
import { Ledger } from '../ledger/ledger';
import { n, rows } from '../ledger/sql';

export interface GrantRequest {
  workspaceId: string;
  source: GrantSource;
  /** What the credit came from (checkout session id, invoice id, …): a second grant of it does nothing. */
  sourceRef: string;
  amountMicros: number;
  /** Drawn before grants with a higher number. */
  priority?: number;
  effectiveAt?: Date;
  expiresAt?: Date | null;
  description?: string;
  /** The Stripe payment that bought the credit (its refund or dispute takes it back). */
  stripePaymentIntent?: string | null;
}

export interface RevokeRequest {
  workspaceId: string;
  grantId: string;
  /** What to take back; capped at what the grant gave minus what was already taken back. */
  amountMicros: number;
  /** The ledger key (`revoke:refund:<event>`, `revoke:dispute:<event>`): used once. */
  idempotencyKey: string;
  description: string;
}

/** Default draw order: an allowance that expires with its period goes before bought credit. */
export const GRANT_PRIORITY: Readonly<Record<GrantSource, number>> = {
  promotion: 10,
  allowance: 20,
  purchase: 50,
  recharge: 50,
  adjustment: 90,
};

/** Accounts and credit: opening an account, granting credit (which lets paused runs continue). */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly holds: HoldsService,
    private readonly outbox: BillingOutbox,
  ) {}

  /** Opens a workspace's account (idempotent); metered, a new account gets the sign-up credit. */
  async open(workspaceId: string): Promise<void> {
    await this.ds.transaction((m) =>
      Ledger.ensureAccount(m, workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS),
    );
    if (this.config.metered && this.config.BILLING_SIGNUP_CREDIT_MICROS > 0)
      await this.grant({
        workspaceId,
        source: 'promotion',
        sourceRef: 'signup',
        amountMicros: this.config.BILLING_SIGNUP_CREDIT_MICROS,
        description: 'sign-up credit',
      });
  }

  /**
   * Grants credit once per (source, ref): the grant row and its `grant:<source>:<ref>` entry in
   * one transaction, then the workspace's exhausted holds are extended where the credit now
   * covers them, and `billing.credit.added` tells orchestration to continue its paused runs.
   * Returns false when this grant was already given.
   */
  grant(req: GrantRequest): Promise<boolean> {
    return this.ds.transaction((m) => this.grantIn(m, req));
  }

  /** `grant` inside the caller's transaction (a webhook's, with its event id). */
  async grantIn(m: EntityManager, req: GrantRequest): Promise<boolean> {
    await Ledger.ensureAccount(m, req.workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS);
    const balance = (await Ledger.lockBalance(m, req.workspaceId))!;
    const id = randomUUID();
    const inserted = await rows(
      m,
      `INSERT INTO billing.credit_grants (id, workspace_id, source, source_ref, amount, remaining, priority, effective_at, expires_at, stripe_payment_intent)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)
       ON CONFLICT (workspace_id, source, source_ref) DO NOTHING RETURNING id`,
      [
        id,
        req.workspaceId,
        req.source,
        req.sourceRef,
        req.amountMicros,
        req.priority ?? GRANT_PRIORITY[req.source],
        req.effectiveAt ?? new Date(),
        req.expiresAt ?? null,
        req.stripePaymentIntent ?? null,
      ],
    );
    if (inserted.length === 0) return false;
    await Ledger.append(m, [
      {
        workspaceId: req.workspaceId,
        idempotencyKey: `grant:${req.source}:${req.sourceRef}`,
        kind: 'grant',
        availableDelta: req.amountMicros,
        heldDelta: 0,
        grantId: id,
        description: req.description ?? `${req.source} credit`,
      },
    ]);
    balance.availableMicros += req.amountMicros;
    await this.holds.reopenExhausted(m, req.workspaceId, balance);
    const event: CreditAddedEvent = {
      workspaceId: req.workspaceId,
      amountMicros: req.amountMicros,
      source: req.source,
      balance: { availableMicros: balance.availableMicros, heldMicros: balance.heldMicros },
      at: new Date().toISOString(),
    };
    await this.outbox.add(m, BillingEventSubjects.creditAdded, `credit:${id}`, event);
    return true;
  }

  /**
   * Takes credit of a grant back (a refund or dispute of the payment that bought it): a `revoke`
   * entry against the grant, never more in total than the grant gave, once per idempotency key.
   * What was already spent is taken from the balance, which may go below zero. Returns what was
   * taken back now.
   */
  async revokeIn(m: EntityManager, req: RevokeRequest): Promise<number> {
    await Ledger.lockBalance(m, req.workspaceId);
    const [grant] = await rows<{ amount: string; revoked: string }>(
      m,
      `SELECT g.amount,
              COALESCE((SELECT -SUM(e.available_delta) FROM billing.ledger_entries e
                        WHERE e.grant_id = g.id AND e.kind = 'revoke'), 0) AS revoked
       FROM billing.credit_grants g WHERE g.id = $1 AND g.workspace_id = $2 FOR UPDATE`,
      [req.grantId, req.workspaceId],
    );
    if (!grant) return 0;
    const amount = Math.min(req.amountMicros, n(grant.amount) - n(grant.revoked));
    if (amount <= 0) return 0;
    const written = await Ledger.append(m, [
      {
        workspaceId: req.workspaceId,
        idempotencyKey: req.idempotencyKey,
        kind: 'revoke',
        availableDelta: -amount,
        heldDelta: 0,
        grantId: req.grantId,
        description: req.description,
      },
    ]);
    if (written.size === 0) return 0;
    // what is left of the grant can no longer be drawn; the rest was spent and is now owed
    await m.query(
      `UPDATE billing.credit_grants SET remaining = GREATEST(remaining - $2::bigint, 0),
         voided_at = CASE WHEN amount <= $3::bigint THEN now() ELSE voided_at END
       WHERE id = $1`,
      [req.grantId, amount, n(grant.revoked) + amount],
    );
    return amount;
  }
}
