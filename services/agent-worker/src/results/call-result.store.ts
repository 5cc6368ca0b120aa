import { AgentJobResultSchema, type AgentJobResult } from '@postmagiq/contracts';
import type { Redis } from 'ioredis';

/**
 * One round trip: store result and finish time unless the call is stored already, and answer what
 * is stored. KEYS[1] the call; ARGV: result JSON, finish time, ttl seconds. Registered as the
 * client command `PUT_COMMAND`: ioredis sends it by its SHA (EVALSHA) and sends the script again
 * only on a connection that has not loaded it, or after Redis answers NOSCRIPT (SCRIPT FLUSH, a
 * restarted or failed-over server).
 */
const PUT_IF_ABSENT = `
if redis.call('HSETNX', KEYS[1], 'result', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'finishedAt', ARGV[2])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
  return {1}
end
local stored = redis.call('HMGET', KEYS[1], 'result', 'finishedAt', 'usage')
return {0, stored[1], stored[2], stored[3]}
`;

const PUT_COMMAND = 'pmqAgentCallPutIfAbsent';

type PutIfAbsentReply = [number, string | null, string | null, string | null];

interface WithPutCommand {
  [PUT_COMMAND](
    key: string,
    result: string,
    finishedAt: string,
    ttlSeconds: string,
  ): Promise<PutIfAbsentReply>;
}

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
  private readonly redis: Redis & WithPutCommand;

  constructor(
    redis: Redis,
    private readonly options: { prefix?: string; ttlSeconds?: number } = {},
  ) {
    redis.defineCommand(PUT_COMMAND, { numberOfKeys: 1, lua: PUT_IF_ABSENT });
    this.redis = redis as Redis & WithPutCommand;
  }

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
    const [created, raw, at, usage] = await this.redis[PUT_COMMAND](
      this.key(result.callId),
      JSON.stringify(result),
      finishedAt,
      String(this.ttl),
    );
    if (created === 1) return { result, finishedAt, usagePublished: false };
    if (!raw || !at) throw new Error(`call ${result.callId}: stored result vanished`);
    return {
      result: AgentJobResultSchema.parse(JSON.parse(raw)),
      finishedAt: at,
      usagePublished: usage === '1',
    };
  }

  async markUsagePublished(callId: string): Promise<void> {
    await this.redis.hset(this.key(callId), 'usage', '1');
  }
}
