import { AgentJobResultSchema, type AgentJobResult } from '@postmagiq/contracts';
import type { Redis } from 'ioredis';

/** A finished agent call as kept for redeliveries. */
export interface StoredCall {
  result: AgentJobResult;
  /** When the call finished (the usage event's `at`, identical on every re-publish). */
  finishedAt: string;
  /** Whether its usage event has reached JetStream. */
  usagePublished: boolean;
}

/**
 * Finished agent calls by call id, in Redis. The result is written before the job is
 * acknowledged; a redelivered job (the worker died after the call, or BullMQ handed a stalled job
 * to another worker) finds it here and returns it instead of calling the vendor again. The first
 * writer wins, so two workers racing on one call end with one result and one usage event.
 */
export class CallResultStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix?: string; ttlSeconds?: number } = {},
  ) {}

  private key(callId: string): string {
    return `${this.options.prefix ?? 'pmq:agent-call:'}${callId}`;
  }

  private get ttl(): number {
    return this.options.ttlSeconds ?? 7 * 24 * 3600;
  }

  async get(callId: string): Promise<StoredCall | null> {
    const fields = await this.redis.hmget(this.key(callId), 'result', 'finishedAt', 'usage');
    const [result, finishedAt, usage] = fields;
    if (!result || !finishedAt) return null;
    return {
      result: AgentJobResultSchema.parse(JSON.parse(result)),
      finishedAt,
      usagePublished: usage === '1',
    };
  }

  /** Stores the call unless another delivery stored it first; returns what is stored now. */
  async putIfAbsent(result: AgentJobResult, finishedAt: string): Promise<StoredCall> {
    const key = this.key(result.callId);
    const [[, created]] = (await this.redis
      .multi()
      .hsetnx(key, 'result', JSON.stringify(result))
      .hsetnx(key, 'finishedAt', finishedAt)
      .expire(key, this.ttl)
      .exec()) as [[Error | null, number], ...unknown[]];
    if (created === 1) return { result, finishedAt, usagePublished: false };
    const stored = await this.get(result.callId);
    if (!stored) throw new Error(`call ${result.callId}: stored result vanished`);
    return stored;
  }

  async markUsagePublished(callId: string): Promise<void> {
    await this.redis.hset(this.key(callId), 'usage', '1');
  }
}
