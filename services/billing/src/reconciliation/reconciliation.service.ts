import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { AGENT_USAGE_SUBJECT, USAGE_STREAM } from '@postmagiq/contracts';
import { NATS_CONNECTION } from '@postmagiq/platform';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import { DataSource } from 'typeorm';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BILLING_DB } from '../entities';
import { HoldsService } from '../holds/holds.service';
import { Ledger } from '../ledger/ledger';
import { n, rows } from '../ledger/sql';
import { isBillable } from '../metering/usage-consumer.service';
import { BillingMetrics } from '../observability/billing-metrics';

export interface ReconcileReport {
  holdsSettled: number;
  grantsExpired: number;
  /** Workspaces whose balance is not the sum of their entries. */
  balanceMismatches: string[];
  /** Usage messages of the stream (older than the grace) that are not in the ledger. */
  missingUsage: string[];
}

/** Stream messages younger than this may still be on their way through the consumer. */
const USAGE_GRACE_MS = 30_000;
const PAGE = 500;

/**
 * The reconciliation sweep, on every replica (each step is idempotent and takes the workspace's
 * balance lock): holds past their expiry settled, expired grants closed with an `expire:<grant>`
 * entry, and two checks — every balance equals the sum of its entries, every usage message of
 * the stream is in the ledger. A mismatch is logged and exported (`billing_reconcile_mismatches`).
 */
@Injectable()
export class ReconciliationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciliation');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;
  /** Stream sequence below which every usage message was found in the ledger. */
  private checkedSeq = 0;

  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly holds: HoldsService,
    private readonly metrics: BillingMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((e: Error) => this.logger.warn(`sweep failed: ${e.message}`))
        .finally(() => (this.running = null));
    }, this.config.BILLING_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      holdsSettled: await this.settleExpiredHolds(),
      grantsExpired: await this.expireGrants(),
      balanceMismatches: await this.balanceMismatches(),
      missingUsage: await this.missingUsage(),
    };
    this.metrics.reconcileMismatches.set({ check: 'balance' }, report.balanceMismatches.length);
    this.metrics.reconcileMismatches.set({ check: 'usage' }, report.missingUsage.length);
    if (report.balanceMismatches.length > 0)
      this.logger.error(
        `balances differing from their entries: ${report.balanceMismatches.join(', ')}`,
      );
    if (report.missingUsage.length > 0)
      this.logger.error(
        `usage messages not in the ledger: ${report.missingUsage.slice(0, 20).join(', ')}`,
      );
    return report;
  }

  private async settleExpiredHolds(): Promise<number> {
    const expired = await rows<{ run_id: string; workspace_id: string }>(
      this.ds.manager,
      `SELECT run_id, workspace_id FROM billing.holds WHERE status <> 'settled' AND expires_at < now() LIMIT 1000`,
    );
    let settled = 0;
    for (const h of expired) {
      const done = await this.ds.transaction(async (m) => {
        await Ledger.lockBalance(m, h.workspace_id);
        return this.holds.settleLocked(m, h.run_id);
      });
      if (done) settled += 1;
    }
    return settled;
  }

  private async expireGrants(): Promise<number> {
    const expired = await rows<{ id: string; workspace_id: string }>(
      this.ds.manager,
      `SELECT id, workspace_id FROM billing.credit_grants
       WHERE expires_at <= now() AND remaining > 0 AND voided_at IS NULL LIMIT 1000`,
    );
    let closed = 0;
    for (const g of expired) {
      await this.ds.transaction(async (m) => {
        await Ledger.lockBalance(m, g.workspace_id);
        const [grant] = await rows<{ remaining: string }>(
          m,
          `SELECT remaining FROM billing.credit_grants WHERE id = $1 FOR UPDATE`,
          [g.id],
        );
        const remaining = n(grant?.remaining);
        if (remaining <= 0) return;
        await m.query(`UPDATE billing.credit_grants SET remaining = 0 WHERE id = $1`, [g.id]);
        await Ledger.append(m, [
          {
            workspaceId: g.workspace_id,
            idempotencyKey: `expire:${g.id}`,
            kind: 'expire',
            availableDelta: -remaining,
            heldDelta: 0,
            grantId: g.id,
            description: 'unused credit expired',
          },
        ]);
        closed += 1;
      });
    }
    return closed;
  }

  /** Workspaces whose balance row differs from the sum of their ledger entries. */
  async balanceMismatches(): Promise<string[]> {
    const found = await rows<{ workspace_id: string }>(
      this.ds.manager,
      `SELECT b.workspace_id FROM billing.balances b
       LEFT JOIN (SELECT workspace_id, SUM(available_delta) AS a, SUM(held_delta) AS h
                  FROM billing.ledger_entries GROUP BY workspace_id) e ON e.workspace_id = b.workspace_id
       WHERE b.available <> COALESCE(e.a, 0) OR b.held <> COALESCE(e.h, 0)`,
    );
    return found.map((r) => r.workspace_id);
  }

  /**
   * Walks the usage stream from where the last clean pass ended and returns the message ids the
   * ledger lacks (messages younger than the grace are left for the next pass).
   */
  async missingUsage(graceMs = USAGE_GRACE_MS): Promise<string[]> {
    const jsm = await jetstreamManager(this.nc);
    const info = await jsm.streams.info(USAGE_STREAM).catch(() => null);
    if (!info || info.state.messages === 0) return [];
    const start = Math.max(this.checkedSeq + 1, info.state.first_seq);
    const last = info.state.last_seq;
    if (start > last) return [];
    // the stream holds only usage events (an ordered consumer with a filter needs NATS 2.10)
    const consumer = await jetstream(this.nc).consumers.get(USAGE_STREAM, { opt_start_seq: start });
    const missing: string[] = [];
    const cutoff = Date.now() - graceMs;
    let seq = start - 1;
    let cleanUpTo = start - 1;
    while (seq < last) {
      const page: Array<{ seq: number; msgId: string }> = [];
      const batch = await consumer.fetch({ max_messages: PAGE, expires: 2_000 });
      let young = false;
      for await (const m of batch) {
        seq = m.seq;
        if (m.info.timestampNanos / 1e6 > cutoff) {
          young = true;
          break;
        }
        // what the consumer terminates (not billable) is not expected in the ledger
        const msgId =
          m.subject === AGENT_USAGE_SUBJECT && isBillable(m) ? m.headers?.get('Nats-Msg-Id') : '';
        if (msgId) page.push({ seq: m.seq, msgId });
        if (m.seq >= last || page.length >= PAGE) break;
      }
      if (page.length > 0) {
        const known = new Set(
          (
            await rows<{ msg_id: string }>(
              this.ds.manager,
              `SELECT msg_id FROM billing.usage_events WHERE msg_id = ANY($1)`,
              [page.map((p) => p.msgId)],
            )
          ).map((r) => r.msg_id),
        );
        for (const p of page) {
          if (known.has(p.msgId)) {
            if (missing.length === 0) cleanUpTo = p.seq;
          } else missing.push(p.msgId);
        }
      }
      if (young || page.length === 0) break;
    }
    this.checkedSeq = Math.max(this.checkedSeq, cleanUpTo);
    return missing;
  }
}
