import { AccountEntity } from './account.entity';
import { BalanceEntity } from './balance.entity';
import { CreditGrantEntity } from './credit-grant.entity';
import { HoldEntity } from './hold.entity';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { OutboxEntity } from './outbox.entity';
import { PlanEntity } from './plan.entity';
import { StripeEventEntity } from './stripe-event.entity';
import { SubscriptionEntity } from './subscription.entity';
import { UsageEventEntity } from './usage-event.entity';

export {
  AccountEntity,
  BalanceEntity,
  CreditGrantEntity,
  HoldEntity,
  LedgerEntryEntity,
  OutboxEntity,
  PlanEntity,
  StripeEventEntity,
  SubscriptionEntity,
  UsageEventEntity,
};
export type { GrantSource } from './credit-grant.entity';
export type { HoldStatus } from './hold.entity';

export const BILLING_ENTITIES = [
  AccountEntity,
  BalanceEntity,
  CreditGrantEntity,
  HoldEntity,
  LedgerEntryEntity,
  OutboxEntity,
  PlanEntity,
  StripeEventEntity,
  SubscriptionEntity,
  UsageEventEntity,
];

/** Postgres schema and DataSource name of the billing service. */
export const BILLING_SCHEMA = 'billing';
export const BILLING_DB = 'billing';
