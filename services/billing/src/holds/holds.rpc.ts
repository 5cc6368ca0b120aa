import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  BillingRequestSubjects,
  HoldPlaceRequestSchema,
  HoldReply,
  HoldSettleRequestSchema,
} from '@postmagiq/contracts';
import { z } from 'zod';
import { BillingMetrics } from '../observability/billing-metrics';
import { HoldsService } from './holds.service';

/** NATS request/reply: orchestration reserves credit for a run, extends it, settles it. */
@Controller()
export class HoldsRpcController {
  constructor(
    private readonly holds: HoldsService,
    private readonly metrics: BillingMetrics,
  ) {}

  @MessagePattern(BillingRequestSubjects.holdPlace)
  async place(@Payload() payload: unknown): Promise<HoldReply> {
    const reply = await this.holds.place(parse(HoldPlaceRequestSchema, payload));
    this.metrics.holds.inc({ outcome: reply.placed ? 'placed' : 'refused' });
    return reply;
  }

  @MessagePattern(BillingRequestSubjects.holdExtend)
  async extend(@Payload() payload: unknown): Promise<HoldReply> {
    const reply = await this.holds.extend(parse(HoldPlaceRequestSchema, payload));
    this.metrics.holds.inc({ outcome: reply.placed ? 'extended' : 'exhausted' });
    return reply;
  }

  @MessagePattern(BillingRequestSubjects.holdGet)
  async get(@Payload() payload: unknown): Promise<HoldReply> {
    const req = parse(HoldSettleRequestSchema, payload);
    const reply = await this.holds.view(req.workspaceId, req.runId);
    if (!reply) throw new RpcException({ status: 404, message: 'hold not found' });
    return reply;
  }

  @MessagePattern(BillingRequestSubjects.holdSettle)
  async settle(@Payload() payload: unknown): Promise<HoldReply> {
    const reply = await this.holds.settle(parse(HoldSettleRequestSchema, payload));
    if (!reply) throw new RpcException({ status: 404, message: 'hold not found' });
    return reply;
  }
}

/** The payload as the schema says, or a 400 naming the field (the caller sees it as the error). */
function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RpcException({
    status: 400,
    message: `${issue?.path.join('.') || 'payload'}: ${issue?.message}`,
  });
}
