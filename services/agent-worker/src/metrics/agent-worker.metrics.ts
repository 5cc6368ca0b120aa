import { Injectable } from '@nestjs/common';
import { MetricsService } from '@postmagiq/platform';
import type { AgentJobResult } from '@postmagiq/contracts';
import { Counter, Gauge, Histogram } from 'prom-client';

/** How a job ended, as counted by `agent_worker_jobs_total`. */
export type JobOutcome =
  /** the vendor was called and answered (successfully or with its error in the result) */
  | 'completed'
  /** a redelivery of a finished call: the stored result was returned, no vendor call */
  | 'replayed'
  /** the payload did not fit the schema: failed without retry */
  | 'invalid'
  /** an infrastructure error: BullMQ retries it with backoff */
  | 'error'
  /** handed back to the queue at shutdown */
  | 'handed_back';

/** Jobs, durations, tokens and cost per backend, in the process's metrics registry. */
@Injectable()
export class AgentWorkerMetrics {
  private readonly jobs: Counter<'backend' | 'outcome'>;
  private readonly duration: Histogram<'backend'>;
  private readonly tokens: Counter<'backend' | 'kind'>;
  private readonly cost: Counter<'backend'>;
  private readonly inFlight: Gauge<'backend'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    const existing = <T>(name: string) => metrics.registry.getSingleMetric(name) as T | undefined;
    // One registry may hold several worker pools (the standalone process): create each metric once.
    this.jobs =
      existing('agent_worker_jobs_total') ??
      new Counter({
        name: 'agent_worker_jobs_total',
        help: 'Agent jobs handled, by backend and outcome',
        labelNames: ['backend', 'outcome'],
        registers,
      });
    this.duration =
      existing('agent_worker_call_duration_seconds') ??
      new Histogram({
        name: 'agent_worker_call_duration_seconds',
        help: 'Wall time of agent calls that reached the vendor, by backend',
        labelNames: ['backend'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80],
        registers,
      });
    this.tokens =
      existing('agent_worker_tokens_total') ??
      new Counter({
        name: 'agent_worker_tokens_total',
        help: 'Tokens of agent calls, by backend and kind (in, out, cached_in)',
        labelNames: ['backend', 'kind'],
        registers,
      });
    this.cost =
      existing('agent_worker_cost_usd_total') ??
      new Counter({
        name: 'agent_worker_cost_usd_total',
        help: 'USD spent on agent calls, by backend',
        labelNames: ['backend'],
        registers,
      });
    this.inFlight =
      existing('agent_worker_jobs_in_flight') ??
      new Gauge({
        name: 'agent_worker_jobs_in_flight',
        help: 'Agent jobs being processed now, by backend',
        labelNames: ['backend'],
        registers,
      });
  }

  started(backend: string): void {
    this.inFlight.inc({ backend });
  }

  ended(backend: string, outcome: JobOutcome): void {
    this.inFlight.dec({ backend });
    this.jobs.inc({ backend, outcome });
  }

  /** A call that reached the vendor (counted once, not on replays). */
  called(backend: string, result: AgentJobResult, seconds: number): void {
    this.duration.observe({ backend }, seconds);
    this.tokens.inc({ backend, kind: 'in' }, result.tokensIn);
    this.tokens.inc({ backend, kind: 'out' }, result.tokensOut);
    this.tokens.inc({ backend, kind: 'cached_in' }, result.cachedTokensIn);
    this.cost.inc({ backend }, result.costUsd);
  }
}
