import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis';
import { RevocationKeys } from '../auth/revocation';
import { GateResult, RedisGate } from './redis-gate';

export interface GateInput {
  bucket: string;
  ip: string;
  ipLimit: number;
  user?: { userId: string; sessionId: string; issuedAt: number; limit: number };
}

/** The platform's rate limits and revocation check: the gate's keys, named per bucket. */
@Injectable()
export class RateLimiter {
  private readonly redisGate: RedisGate;

  constructor(redis: RedisService) {
    this.redisGate = new RedisGate(redis.client);
  }

  gate(input: GateInput, windowMs = 60_000): Promise<GateResult> {
    const u = input.user;
    return this.redisGate.check({
      ipKey: `rl:${input.bucket}:ip:${input.ip}`,
      ipLimit: input.ipLimit,
      windowMs,
      ...(u
        ? {
            user: {
              key: `rl:${input.bucket}:user:${u.userId}`,
              limit: u.limit,
              sessionRevokedKey: RevocationKeys.session(u.sessionId),
              userRevokedKey: RevocationKeys.user(u.userId),
              issuedAt: u.issuedAt,
            },
          }
        : {}),
    });
  }
}
