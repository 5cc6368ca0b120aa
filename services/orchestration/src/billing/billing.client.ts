import { Inject, Injectable } from '@nestjs/common';
import {
  BillingRequestSubjects,
  HoldPlaceRequestSchema,
  HoldReply,
  HoldReplySchema,
} from '@postmagiq/contracts';
import { NatsRpcClient, Problems } from '@postmagiq/platform';
import { TimeoutError } from 'rxjs';
import { ORCHESTRATION_CONFIG, OrchestrationConfig } from '../config/orchestration.config';

/** Asks billing (NATS request/reply) to reserve credit for a run, or how a run's hold stands. */
@Injectable()
export class BillingClient {
  constructor(
    private readonly rpc: NatsRpcClient,
    @Inject(ORCHESTRATION_CONFIG) private readonly config: OrchestrationConfig,
  ) {}

  get enabled(): boolean {
    return this.config.BILLING_HOLDS === 'required';
  }

  /** The run's estimate: the configured reservation, at most what the workflow may cost at all. */
  estimateMicros(costLimitUsd: number | undefined): number {
    const cap = costLimitUsd === undefined ? Infinity : Math.round(costLimitUsd * 1_000_000);
    return Math.min(this.config.RUN_HOLD_ESTIMATE_MICROS, cap);
  }

  /** Places the run's hold, or throws the 402 (estimate, balance, what to do) or a 503. */
  async place(workspaceId: string, runId: string, estimateMicros: number): Promise<HoldReply> {
    const reply = await this.ask(
      BillingRequestSubjects.holdPlace,
      HoldPlaceRequestSchema.parse({ workspaceId, runId, estimateMicros }),
    );
    if (reply.placed) return reply;
    throw Problems.paymentRequired(reply.reason ?? 'not enough credit to start this run', {
      estimateMicros: reply.estimateMicros,
      balance: reply.balance,
      overdraftLimitMicros: reply.overdraftLimitMicros,
    });
  }

  /** The run's hold, or null when billing has none for it. */
  async hold(workspaceId: string, runId: string): Promise<HoldReply | null> {
    try {
      return await this.ask(BillingRequestSubjects.holdGet, { workspaceId, runId });
    } catch (error) {
      if ((error as { status?: number })?.status === 404) return null;
      throw error;
    }
  }

  private async ask(subject: string, payload: object): Promise<HoldReply> {
    try {
      return await this.rpc.request(
        subject,
        payload,
        HoldReplySchema,
        this.config.BILLING_RPC_TIMEOUT_MS,
      );
    } catch (error) {
      if (error instanceof TimeoutError)
        throw Problems.unavailable('the billing service did not answer in time; try again');
      const message = (error as { message?: unknown })?.message;
      if (
        typeof message === 'string' &&
        /no (message )?handler|no responders|empty response/i.test(message)
      )
        throw Problems.unavailable('the billing service is not reachable');
      throw error;
    }
  }
}
