import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  BillingEventSubjects,
  HoldPlaceRequest,
  HoldReply,
  HoldSettleRequest,
  RunCreditExhaustedEvent,
} from '@postmagiq/contracts';
import { isUniqueViolation } from '@postmagiq/platform';
import { DataSource, EntityManager } from 'typeorm';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BILLING_DB } from '../entities';
import { BillingOutbox } from '../events/billing-outbox.service';
import { Ledger, LockedBalance } from '../ledger/ledger';
import { n, rows } from '../ledger/sql';

interface HoldRow {
  run_id: string;
  workspace_id: string;
  status: 'open' | 'exhausted' | 'settled';
  amount: string;
  captured: string;
  extensions: number;
  last_estimate: string;
}

const REFUSED_ADVICE =
  'add credit (buy a credit pack or subscribe to a plan under Billing), or ask an owner to raise the overdraft limit';

/**
 * Holds: credit reserved per run. Placing one is a single guarded UPDATE of the balance
 * (`available - estimate >= -overdraft`): concurrent starts of one workspace take turns on its
 * balance row, and exactly as many holds are placed as the credit covers. Unmetered (no Stripe),
 * the guard is off: every hold is placed and the balance records spend as it goes below zero.
 */
@Injectable()
export class HoldsService {
  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly outbox: BillingOutbox,
  ) {}

  async place(req: HoldPlaceRequest): Promise<HoldReply> {
    try {
      return await this.placeOnce(req);
    } catch (error) {
      // the same run raced in from another request (a retry): that one's hold is the answer
      if (!isUniqueViolation(error)) throw error;
      return this.placeOnce(req);
    }
  }

  private async placeOnce(req: HoldPlaceRequest, opened = false): Promise<HoldReply> {
    // One statement, so one round trip and no transaction held open: the guarded update of the
    // balance, the hold and its entry. A second request for the same run finds the hold (or, racing
    // it, fails on the hold's key and is answered with the first one's hold: see place()).
    const [guarded] = await rows<{ available: string; held: string; overdraft_limit: string }>(
      this.ds.manager,
      `WITH b AS (
         UPDATE billing.balances b
         SET available = b.available - $3::bigint, held = b.held + $3::bigint, updated_at = now()
         FROM billing.accounts a
         WHERE b.workspace_id = $2 AND a.workspace_id = b.workspace_id
           AND NOT EXISTS (SELECT 1 FROM billing.holds WHERE run_id = $1)
           AND (NOT $4::boolean OR b.available - $3::bigint >= -a.overdraft_limit)
         RETURNING b.available, b.held, a.overdraft_limit),
       hold AS (
         INSERT INTO billing.holds (run_id, workspace_id, status, amount, last_estimate, expires_at)
         SELECT $1, $2, 'open', $3, $3, now() + make_interval(mins => $5) FROM b RETURNING run_id),
       entry AS (
         INSERT INTO billing.ledger_entries (workspace_id, idempotency_key, kind, available_delta, held_delta, run_id, description)
         SELECT $2, 'hold:' || run_id, 'hold', -$3::bigint, $3, run_id, 'credit reserved for a run' FROM hold)
       SELECT * FROM b`,
      [
        req.runId,
        req.workspaceId,
        req.estimateMicros,
        this.config.metered,
        this.config.BILLING_HOLD_TTL_MINUTES,
      ],
    );
    const reply: HoldReply | null = guarded
      ? {
          placed: true,
          runId: req.runId,
          amountMicros: req.estimateMicros,
          capturedMicros: 0,
          status: 'open',
          estimateMicros: req.estimateMicros,
          balance: { availableMicros: n(guarded.available), heldMicros: n(guarded.held) },
          overdraftLimitMicros: n(guarded.overdraft_limit),
          metered: this.config.metered,
          reason: null,
        }
      : null;
    if (reply) return reply;
    const existing = await this.holdOf(this.ds.manager, req.runId);
    // another workspace's run is not this caller's to see
    if (existing && existing.workspace_id === req.workspaceId)
      return this.replyFor(this.ds.manager, existing, req.estimateMicros);
    const balance = await this.ds.transaction((m) => Ledger.lockBalance(m, req.workspaceId));
    if (balance || opened) return this.refusalReply(req, balance!);
    // a workspace billing has not seen yet: open its account, then ask the guard again
    await this.ds.transaction((m) =>
      Ledger.ensureAccount(m, req.workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS),
    );
    return this.placeOnce(req, true);
  }

  /** Reserves `estimateMicros` more for a running run; refused (and the hold marked exhausted) without credit. */
  async extend(req: HoldPlaceRequest): Promise<HoldReply> {
    return this.ds.transaction(async (m) => {
      await Ledger.ensureAccount(m, req.workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS);
      const balance = (await Ledger.lockBalance(m, req.workspaceId))!;
      const hold = await this.holdOf(m, req.runId, true);
      if (!hold || hold.workspace_id !== req.workspaceId) {
        // a run that never had a hold (started before billing) gets one now, through the same guard
        const placed = await this.placeLocked(m, req, balance);
        return placed ?? this.refusalReply(req, balance);
      }
      if (hold.status === 'settled') return this.replyFor(m, hold, req.estimateMicros);
      const extended = await this.extendLocked(m, hold, req.estimateMicros, balance);
      return this.replyFor(
        m,
        extended ?? { ...hold, status: 'exhausted' },
        req.estimateMicros,
        !extended,
      );
    });
  }

  /** A run's hold as it now is (null: none in that workspace). */
  async view(workspaceId: string, runId: string): Promise<HoldReply | null> {
    const hold = await this.holdOf(this.ds.manager, runId);
    if (!hold || hold.workspace_id !== workspaceId) return null;
    return this.replyFor(this.ds.manager, hold, n(hold.last_estimate));
  }

  async settle(req: HoldSettleRequest): Promise<HoldReply | null> {
    return this.ds.transaction(async (m) => {
      const hold = await this.holdOf(m, req.runId);
      if (!hold || hold.workspace_id !== req.workspaceId) return null;
      await Ledger.lockBalance(m, req.workspaceId);
      const settled = await this.settleLocked(m, req.runId);
      return this.replyFor(m, settled ?? hold, n(hold.last_estimate));
    });
  }

  /**
   * Releases what the run did not spend and closes the hold (its captures happened as usage
   * arrived). Needs the balance row locked. Null when there is no open hold.
   */
  async settleLocked(m: EntityManager, runId: string): Promise<HoldRow | null> {
    const hold = await this.holdOf(m, runId, true);
    if (!hold || hold.status === 'settled') return null;
    const unspent = Math.max(0, n(hold.amount) - n(hold.captured));
    if (unspent > 0)
      await Ledger.append(m, [
        {
          workspaceId: hold.workspace_id,
          idempotencyKey: `settle:${runId}`,
          kind: 'release',
          availableDelta: unspent,
          heldDelta: -unspent,
          runId,
          description: 'unspent reservation released',
        },
      ]);
    const [done] = await rows<HoldRow>(
      m,
      `UPDATE billing.holds SET status = 'settled', settled_at = now() WHERE run_id = $1 RETURNING *`,
      [runId],
    );
    return done ?? null;
  }

  /**
   * Extends a hold by `estimate` through the same guard as placing one; on refusal marks it
   * exhausted and writes `billing.run.credit-exhausted` (once per exhaustion). Needs the balance locked.
   */
  async extendLocked(
    m: EntityManager,
    hold: HoldRow,
    estimate: number,
    balance: LockedBalance,
  ): Promise<HoldRow | null> {
    const fits =
      !this.config.metered || balance.availableMicros - estimate >= -balance.overdraftLimitMicros;
    if (!fits) {
      if (hold.status !== 'exhausted') {
        await m.query(`UPDATE billing.holds SET status = 'exhausted' WHERE run_id = $1`, [
          hold.run_id,
        ]);
        const event: RunCreditExhaustedEvent = {
          workspaceId: hold.workspace_id,
          runId: hold.run_id,
          balance: { availableMicros: balance.availableMicros, heldMicros: balance.heldMicros },
          at: new Date().toISOString(),
        };
        await this.outbox.add(
          m,
          BillingEventSubjects.runCreditExhausted,
          `exhausted:${hold.run_id}:${hold.extensions}`,
          event,
        );
      }
      return null;
    }
    const next = hold.extensions + 1;
    await Ledger.append(m, [
      {
        workspaceId: hold.workspace_id,
        idempotencyKey: `extend:${hold.run_id}:${next}`,
        kind: 'extend',
        availableDelta: -estimate,
        heldDelta: estimate,
        runId: hold.run_id,
        description: 'reservation extended',
      },
    ]);
    balance.availableMicros -= estimate;
    balance.heldMicros += estimate;
    const [row] = await rows<HoldRow>(
      m,
      `UPDATE billing.holds SET amount = amount + $2, extensions = $3, last_estimate = $2, status = 'open'
       WHERE run_id = $1 RETURNING *`,
      [hold.run_id, estimate, next],
    );
    return row ?? null;
  }

  /** The exhausted holds of a workspace after credit arrived: extended again where it now fits. */
  async reopenExhausted(
    m: EntityManager,
    workspaceId: string,
    balance: LockedBalance,
  ): Promise<string[]> {
    const exhausted = await rows<HoldRow>(
      m,
      `SELECT * FROM billing.holds WHERE workspace_id = $1 AND status = 'exhausted' ORDER BY created_at FOR UPDATE`,
      [workspaceId],
    );
    const reopened: string[] = [];
    for (const hold of exhausted) {
      if (await this.extendLocked(m, hold, n(hold.last_estimate), balance))
        reopened.push(hold.run_id);
    }
    return reopened;
  }

  private async placeLocked(
    m: EntityManager,
    req: HoldPlaceRequest,
    balance: LockedBalance,
  ): Promise<HoldReply | null> {
    const fits =
      !this.config.metered ||
      balance.availableMicros - req.estimateMicros >= -balance.overdraftLimitMicros;
    if (!fits) return null;
    await m.query(
      `INSERT INTO billing.holds (run_id, workspace_id, status, amount, last_estimate, expires_at)
       VALUES ($1, $2, 'open', $3, $3, now() + make_interval(mins => $4))`,
      [req.runId, req.workspaceId, req.estimateMicros, this.config.BILLING_HOLD_TTL_MINUTES],
    );
    await Ledger.append(m, [
      {
        workspaceId: req.workspaceId,
        idempotencyKey: `hold:${req.runId}`,
        kind: 'hold',
        availableDelta: -req.estimateMicros,
        heldDelta: req.estimateMicros,
        runId: req.runId,
        description: 'credit reserved for a run',
      },
    ]);
    return this.replyFor(m, (await this.holdOf(m, req.runId))!, req.estimateMicros);
  }

  async holdOf(m: EntityManager, runId: string, lock = false): Promise<HoldRow | null> {
    const [row] = await rows<HoldRow>(
      m,
      `SELECT * FROM billing.holds WHERE run_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [runId],
    );
    return row ?? null;
  }

  private async replyFor(
    m: EntityManager,
    hold: HoldRow,
    estimate: number,
    refused = false,
  ): Promise<HoldReply> {
    const [account] = await rows<{ overdraft_limit: string }>(
      m,
      `SELECT overdraft_limit FROM billing.accounts WHERE workspace_id = $1`,
      [hold.workspace_id],
    );
    return {
      placed: !refused && hold.status !== 'exhausted',
      runId: hold.run_id,
      amountMicros: n(hold.amount),
      capturedMicros: n(hold.captured),
      status: hold.status,
      estimateMicros: estimate,
      balance: await Ledger.balanceOf(m, hold.workspace_id),
      overdraftLimitMicros: n(account?.overdraft_limit),
      metered: this.config.metered,
      reason: refused ? `not enough credit to continue this run: ${REFUSED_ADVICE}` : null,
    };
  }

  private refusalReply(req: HoldPlaceRequest, balance: LockedBalance): HoldReply {
    return {
      placed: false,
      runId: req.runId,
      amountMicros: 0,
      capturedMicros: 0,
      status: 'refused',
      estimateMicros: req.estimateMicros,
      balance: { availableMicros: balance.availableMicros, heldMicros: balance.heldMicros },
      overdraftLimitMicros: balance.overdraftLimitMicros,
      metered: this.config.metered,
      reason: `the run needs ${req.estimateMicros} micro-USD of credit reserved; ${REFUSED_ADVICE}`,
    };
  }
}
