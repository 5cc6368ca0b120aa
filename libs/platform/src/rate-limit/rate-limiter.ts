import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis';
import { RevocationKeys } from '../auth/revocation';

/**
 * One Lua script per request: fixed one-minute windows that start at a key's first hit, per IP
 * and (when authenticated) per user, plus the revocation flags of the caller's session and user.
 * Atomic, so replicas share limits exactly; one round trip.
 *
 * KEYS: ipKey, userKey|'', sidKey|'', revokedUserKey|''
 * ARGV: ipLimit, userLimit, windowMs, tokenIssuedAtSeconds
 * returns: { status, retryAfterMs }  status 0 ok, 1 ip limited, 2 user limited, 3 revoked
 * (exported for bench:identity's floor, which runs the same script)
 */
export const GATE_LUA = `
local function hit(key, limit, window)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, window) end
  if n > limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then redis.call('PEXPIRE', key, window); ttl = window end
    return ttl
  end
  return -1
end
local window = tonumber(ARGV[3])
if KEYS[3] ~= '' then
  if redis.call('EXISTS', KEYS[3]) == 1 then return {3, 0} end
  local revokedBefore = redis.call('GET', KEYS[4])
  if revokedBefore and tonumber(ARGV[4]) <= tonumber(revokedBefore) then return {3, 0} end
end
local t = hit(KEYS[1], tonumber(ARGV[1]), window)
if t >= 0 then return {1, t} end
if KEYS[2] ~= '' then
  t = hit(KEYS[2], tonumber(ARGV[2]), window)
  if t >= 0 then return {2, t} end
end
return {0, 0}
`;

export type GateResult =
  | { status: 'ok' }
  | { status: 'ip-limited' | 'user-limited'; retryAfterSeconds: number }
  | { status: 'revoked' };

export interface GateInput {
  bucket: string;
  ip: string;
  ipLimit: number;
  user?: { userId: string; sessionId: string; issuedAt: number; limit: number };
}

@Injectable()
export class RateLimiter {
  constructor(private readonly redis: RedisService) {
    this.redis.client.defineCommand('pmqGate', { numberOfKeys: 4, lua: GATE_LUA });
  }

  async gate(input: GateInput, windowMs = 60_000): Promise<GateResult> {
    const u = input.user;
    const keys = [
      `rl:${input.bucket}:ip:${input.ip}`,
      u ? `rl:${input.bucket}:user:${u.userId}` : '',
      u ? RevocationKeys.session(u.sessionId) : '',
      u ? RevocationKeys.user(u.userId) : '',
    ];
    const client = this.redis.client as unknown as {
      pmqGate(...args: (string | number)[]): Promise<[number, number]>;
    };
    const [status, ttlMs] = await client.pmqGate(...keys, input.ipLimit, u?.limit ?? 0, windowMs, u?.issuedAt ?? 0);
    switch (status) {
      case 0:
        return { status: 'ok' };
      case 3:
        return { status: 'revoked' };
      default:
        return {
          status: status === 1 ? 'ip-limited' : 'user-limited',
          retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
        };
    }
  }
}
