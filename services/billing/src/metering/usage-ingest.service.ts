import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AgentUsageEvent, usdToMicros } from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import { BILLING_DB } from '../entities';
import { HoldsService } from '../holds/holds.service';
import { EntryDraft, Ledger } from '../ledger/ledger';
import { n, rows } from '../ledger/sql';

/** A usage event as delivered: its JetStream message id and stream sequence. */
export interface DeliveredUsage {
  msgId: string;
  streamSeq: number | null;
  event: AgentUsageEvent;
}

export interface IngestOutcome {
  /** Events counted now. */
  counted: number;
  /** Events already in the ledger (redelivered, replayed, or taken by another replica). */
  duplicates: number;
}

/**
 * Turns usage events into ledger entries, exactly once. One transaction per batch: the events are
 * inserted with their message id as primary key, and only the rows inserted now (not those that
 * conflict: already counted) are captured against their run's hold; the caller acknowledges the
 * messages after the commit. A crash before the commit loses nothing (the messages are
 * redelivered); a crash after it counts nothing twice (the redelivery conflicts).
 */
@Injectable()
export class UsageIngestService {
  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly holds: HoldsService,
  ) {}

  async ingest(batch: DeliveredUsage[]): Promise<IngestOutcome> {
    const unique = [...new Map(batch.map((d) => [d.msgId, d])).values()];
    if (unique.length === 0) return { counted: 0, duplicates: batch.length };
    const counted = await this.ds.transaction(async (m) => {
      const fresh = await this.insertEvents(m, unique);
      const byWorkspace = new Map<string, DeliveredUsage[]>();
      for (const d of fresh) {
        const list = byWorkspace.get(d.event.workspaceId) ?? [];
        list.push(d);
        byWorkspace.set(d.event.workspaceId, list);
      }
      // one workspace at a time, in a fixed order: two replicas never wait on each other in a cycle
      for (const ws of [...byWorkspace.keys()].sort())
        await this.capture(m, ws, byWorkspace.get(ws)!);
      return fresh.length;
    });
    return { counted, duplicates: batch.length - counted };
  }

  /** Inserts the batch; returns the events that were new (a conflict means already counted). */
  private async insertEvents(m: EntityManager, batch: DeliveredUsage[]): Promise<DeliveredUsage[]> {
    const params: unknown[] = [];
    const values = batch.map((d) => {
      const e = d.event;
      params.push(
        d.msgId,
        e.workspaceId,
        e.runId,
        e.state,
        e.agent,
        e.backend,
        e.model,
        e.tokensIn,
        e.tokensOut,
        e.cachedTokensIn,
        usdToMicros(e.costUsd),
        e.simulated,
        e.failed,
        e.at,
        d.streamSeq,
      );
      const b = params.length - 15;
      return `(${Array.from({ length: 15 }, (_, i) => `$${b + i + 1}`).join(', ')})`;
    });
    const inserted = await rows<{ msg_id: string }>(
      m,
      `INSERT INTO billing.usage_events (msg_id, workspace_id, run_id, state, agent, backend, model,
         tokens_in, tokens_out, cached_tokens_in, cost_micros, simulated, failed, at, stream_seq)
       VALUES ${values.join(', ')}
       ON CONFLICT (msg_id) DO NOTHING RETURNING msg_id`,
      params,
    );
    const fresh = new Set(inserted.map((r) => r.msg_id));
    return batch.filter((d) => fresh.has(d.msgId));
  }

  /**
   * Captures a workspace's new events: each against its run's hold while the hold covers it,
   * the rest from the available balance; the spend is drawn from grants; a hold used up is
   * extended by its last estimate, or marked exhausted (the run then pauses for credit).
   */
  private async capture(
    m: EntityManager,
    workspaceId: string,
    events: DeliveredUsage[],
  ): Promise<void> {
    const balance = await Ledger.lockAccount(
      m,
      workspaceId,
      this.config.BILLING_DEFAULT_OVERDRAFT_MICROS,
    );
    const runIds = [...new Set(events.map((d) => d.event.runId))].sort();
    const holds = new Map(
      (
        await rows<{ run_id: string; status: string; amount: string; captured: string }>(
          m,
          `SELECT run_id, status, amount, captured FROM billing.holds
           WHERE run_id = ANY($1::uuid[]) AND workspace_id = $2 ORDER BY run_id FOR UPDATE`,
          [runIds, workspaceId],
        )
      ).map((h) => [h.run_id, { ...h, amount: n(h.amount), captured: n(h.captured) }]),
    );
    const entries: EntryDraft[] = [];
    const capturedByRun = new Map<string, number>();
    let spend = 0;
    for (const d of events) {
      const cost = usdToMicros(d.event.costUsd);
      spend += cost;
      const hold = holds.get(d.event.runId);
      let fromHold = 0;
      if (hold && hold.status !== 'settled') {
        fromHold = Math.min(cost, Math.max(0, hold.amount - hold.captured));
        hold.captured += cost;
        // spend beyond the reservation came from the available balance: the hold is used up, not owed
        hold.amount = Math.max(hold.amount, hold.captured);
        capturedByRun.set(d.event.runId, (capturedByRun.get(d.event.runId) ?? 0) + cost);
      }
      entries.push({
        workspaceId,
        idempotencyKey: `capture:${d.msgId}`,
        kind: 'capture',
        availableDelta: -(cost - fromHold),
        heldDelta: -fromHold,
        runId: d.event.runId,
        description: `${d.event.backend}:${d.event.model} ${d.event.agent} (${d.event.tokensIn} in, ${d.event.tokensOut} out)`,
      });
    }
    await Ledger.append(m, entries);
    for (const e of entries) {
      balance.availableMicros += e.availableDelta;
      balance.heldMicros += e.heldDelta;
    }
    await Ledger.drawGrants(m, workspaceId, spend);
    if (capturedByRun.size > 0)
      await m.query(
        `UPDATE billing.holds h SET captured = h.captured + v.c, amount = GREATEST(h.amount, h.captured + v.c)
         FROM (SELECT unnest($1::uuid[]) AS run_id, unnest($2::bigint[]) AS c) v WHERE h.run_id = v.run_id`,
        [[...capturedByRun.keys()], [...capturedByRun.values()]],
      );
    for (const runId of capturedByRun.keys()) {
      const hold = holds.get(runId)!;
      if (hold.status === 'open' && hold.captured >= hold.amount) {
        const row = await this.holds.holdOf(m, runId);
        if (row) await this.holds.extendLocked(m, row, n(row.last_estimate), balance);
      }
    }
  }
}
