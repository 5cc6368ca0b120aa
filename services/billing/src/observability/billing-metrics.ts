import { Injectable } from '@nestjs/common';
import { MetricsService } from '@postmagiq/platform';
import { Counter, Gauge } from 'prom-client';

/** Billing's Prometheus series, on the application's registry (`/metrics`). */
@Injectable()
export class BillingMetrics {
  readonly usageCounted: Counter<string>;
  readonly usageDuplicates: Counter<string>;
  readonly holds: Counter<string>;
  readonly reconcileMismatches: Gauge<string>;

  constructor(metrics: MetricsService) {
    this.usageCounted = metrics.counter(
      'billing_usage_events_counted_total',
      'Usage events booked in the ledger',
    );
    this.usageDuplicates = metrics.counter(
      'billing_usage_events_duplicate_total',
      'Usage events delivered again and not counted (redelivery, replay, another replica)',
    );
    this.holds = metrics.counter('billing_holds_total', 'Hold requests by outcome', ['outcome']);
    this.reconcileMismatches = new Gauge({
      name: 'billing_reconcile_mismatches',
      help: 'Mismatches found by the last reconciliation sweep, by check',
      labelNames: ['check'],
      registers: [metrics.registry],
    });
  }
}
