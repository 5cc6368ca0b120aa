import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PRICE_TABLE } from '@postmagiq/agents';
import {
  AutoRechargeSettings,
  BillingAccount,
  LedgerPage,
  LedgerQuery,
  PriceBook,
  UsageQuery,
  UsageReport,
  usdToMicros,
} from '@postmagiq/contracts';
import { DataSource } from 'typeorm';
import { BILLING_CONFIG, BillingConfig } from '../config/billing.config';
import {
  AccountEntity,
  BILLING_DB,
  LedgerEntryEntity,
  PlanEntity,
  SubscriptionEntity,
} from '../entities';
import { Ledger } from '../ledger/ledger';
import { n } from '../ledger/sql';

/** Usage is grouped by one of these expressions (never user input in SQL). */
const USAGE_KEYS: Readonly<Record<UsageQuery['groupBy'], string>> = {
  month: `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM')`,
  model: `backend || ':' || model`,
  run: `run_id::text`,
};

/** What the console reads: every query scoped to the caller's workspace. */
@Injectable()
export class BillingReportsService {
  constructor(
    @InjectDataSource(BILLING_DB) private readonly ds: DataSource,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
  ) {}

  async account(workspaceId: string): Promise<BillingAccount> {
    await this.ds.transaction((m) =>
      Ledger.ensureAccount(m, workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS),
    );
    const account = await this.ds.getRepository(AccountEntity).findOneByOrFail({ workspaceId });
    const plan = account.planCode
      ? await this.ds.getRepository(PlanEntity).findOneBy({ code: account.planCode })
      : null;
    const subscription = await this.ds
      .getRepository(SubscriptionEntity)
      .findOne({ where: { workspaceId }, order: { eventCreated: 'DESC' } });
    return {
      workspaceId,
      metered: this.config.metered,
      plan: plan
        ? {
            code: plan.code,
            name: plan.name,
            monthlyPriceMicros: plan.monthlyPrice,
            allowanceMicros: plan.allowance,
          }
        : null,
      subscriptionStatus: subscription?.status ?? null,
      overdraftLimitMicros: account.overdraftLimit,
      balance: await Ledger.balanceOf(this.ds.manager, workspaceId),
    };
  }

  async ledger(workspaceId: string, q: LedgerQuery): Promise<LedgerPage> {
    const [items, total] = await this.ds.getRepository(LedgerEntryEntity).findAndCount({
      where: { workspaceId, ...(q.runId ? { runId: q.runId } : {}) },
      order: { id: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
    return {
      items: items.map((e) => ({
        id: e.id,
        kind: e.kind,
        idempotencyKey: e.idempotencyKey,
        availableDeltaMicros: e.availableDelta,
        heldDeltaMicros: e.heldDelta,
        runId: e.runId,
        description: e.description,
        createdAt: e.createdAt.toISOString(),
      })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  async usage(workspaceId: string, q: UsageQuery): Promise<UsageReport> {
    const key = USAGE_KEYS[q.groupBy];
    const rows = (await this.ds.query(
      `SELECT ${key} AS key, COUNT(*)::int AS calls, SUM(tokens_in)::bigint AS tokens_in,
              SUM(tokens_out)::bigint AS tokens_out, SUM(cached_tokens_in)::bigint AS cached,
              SUM(cost_micros)::bigint AS cost
       FROM billing.usage_events
       WHERE workspace_id = $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
       GROUP BY 1 ORDER BY ${q.groupBy === 'month' ? '1 DESC' : 'cost DESC, 1'} LIMIT $4`,
      [workspaceId, q.from ?? null, q.to ?? null, q.limit],
    )) as Array<{
      key: string;
      calls: number;
      tokens_in: string;
      tokens_out: string;
      cached: string;
      cost: string;
    }>;
    const out = rows.map((r) => ({
      key: r.key,
      calls: r.calls,
      tokensIn: n(r.tokens_in),
      tokensOut: n(r.tokens_out),
      cachedTokensIn: n(r.cached),
      costMicros: n(r.cost),
    }));
    return {
      groupBy: q.groupBy,
      rows: out,
      totalCostMicros: out.reduce((s, r) => s + r.costMicros, 0),
    };
  }

  /** The price table the agents charge by, per model, in micro-USD per million tokens. */
  priceBook(): PriceBook {
    const models = Object.entries(PRICE_TABLE).flatMap(([backend, prices]) =>
      Object.entries(prices.models).map(([model, p]) => ({
        backend,
        model,
        inputPerMTokMicros: usdToMicros(p.inputPerMTok),
        outputPerMTokMicros: usdToMicros(p.outputPerMTok),
        cachedInputPerMTokMicros: usdToMicros(p.cachedInputPerMTok),
      })),
    );
    return { models };
  }

  async autoRecharge(workspaceId: string): Promise<AutoRechargeSettings> {
    await this.ds.transaction((m) =>
      Ledger.ensureAccount(m, workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS),
    );
    const a = await this.ds.getRepository(AccountEntity).findOneByOrFail({ workspaceId });
    return {
      enabled: a.autoRechargeEnabled,
      thresholdMicros: a.autoRechargeThreshold,
      targetMicros: a.autoRechargeTarget,
      monthlyCapMicros: a.autoRechargeMonthlyCap,
    };
  }

  async setAutoRecharge(
    workspaceId: string,
    s: AutoRechargeSettings,
  ): Promise<AutoRechargeSettings> {
    await this.ds.transaction(async (m) => {
      await Ledger.ensureAccount(m, workspaceId, this.config.BILLING_DEFAULT_OVERDRAFT_MICROS);
      await m.getRepository(AccountEntity).update(
        { workspaceId },
        {
          autoRechargeEnabled: s.enabled,
          autoRechargeThreshold: s.thresholdMicros,
          autoRechargeTarget: s.targetMicros,
          autoRechargeMonthlyCap: s.monthlyCapMicros,
        },
      );
    });
    return this.autoRecharge(workspaceId);
  }
}
