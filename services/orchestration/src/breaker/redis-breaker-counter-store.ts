import { BreakerLimit } from '@postmagiq/contracts';
import {
  attemptTransition,
  BreakerCounters,
  BreakerCounterStore,
  BreakerVerdict,
  checkBreaker,
  ResolvedLimits,
  TransitionAttempt,
} from '@postmagiq/workflow-engine';
import type { Redis } from 'ioredis';

/*
 * One Lua script per store operation, each mirroring the pure function of the engine's
 * breaker-operations.ts that it replaces (attemptTransition, recordCostStep, extendStep). A script
 * runs atomically in Redis, so two replicas can never both pass a limit.
 *
 * The run's counters are one hash: startedAtMs, transitions, costUsd, extended (0/1),
 * visit:<state>, and op:<key> markers. An operation given an idempotency key (the transition seq
 * it is for, the agent call it charges) is applied once: a step retried after a crash between the
 * Redis update and its database commit gets the same answer without counting twice.
 *
 * Numbers travel as strings: Redis truncates Lua numbers to integers in replies.
 */

const COMMON_LUA = `
local function counters(key)
  return redis.call('HGETALL', key)
end
local function num(key, field)
  return tonumber(redis.call('HGET', key, field) or '0') or 0
end
-- measures in the order checkBreaker uses: visits, transitions, runtime, cost
local function check(values, bounds)
  local names = {'state_visits', 'transitions', 'runtime_minutes', 'cost_usd'}
  for i = 1, 4 do
    if values[i] ~= nil and bounds[i] ~= nil and values[i] > bounds[i] then return names[i] end
  end
  return nil
end
local function decide(key, values, soft, hard)
  local limit = check(values, hard)
  if limit then return limit, '0' end
  if redis.call('HGET', key, 'extended') ~= '1' then
    limit = check(values, soft)
    if limit then return limit, '1' end
  end
  return nil, nil
end
`;

/** KEYS[1] hash; ARGV startedAtMs, ttlMs. Idempotent: an existing run keeps its counters. */
const START_LUA = `
if redis.call('HSETNX', KEYS[1], 'startedAtMs', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'transitions', '0', 'costUsd', '0', 'extended', '0')
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('HGETALL', KEYS[1])
`;

/**
 * KEYS[1] hash; ARGV toState, nowMs, soft(visits, transitions, runtime, cost), hard(same), opKey, ttlMs.
 * Returns {outcome, limit, soft, counters-before…}; outcome missing | replay | allowed | denied.
 */
const TRANSITION_LUA = `${COMMON_LUA}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {'missing', '', ''} end
local opKey = ARGV[11]
if opKey ~= '' and redis.call('HEXISTS', key, 'op:' .. opKey) == 1 then
  local out = {'replay', '', ''}
  for _, v in ipairs(counters(key)) do out[#out + 1] = v end
  return out
end
local before = counters(key)
local visits = num(key, 'visit:' .. ARGV[1]) + 1
local transitions = num(key, 'transitions') + 1
local runtime = (tonumber(ARGV[2]) - num(key, 'startedAtMs')) / 60000
local cost = num(key, 'costUsd')
local values = {visits, transitions, runtime, cost}
local soft = {tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])}
local hard = {tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])}
local limit, isSoft = decide(key, values, soft, hard)
local out
if limit then
  out = {'denied', limit, isSoft}
else
  redis.call('HINCRBY', key, 'transitions', 1)
  redis.call('HINCRBY', key, 'visit:' .. ARGV[1], 1)
  if opKey ~= '' then redis.call('HSET', key, 'op:' .. opKey, '1') end
  out = {'allowed', '', ''}
end
redis.call('PEXPIRE', key, ARGV[12])
for _, v in ipairs(before) do out[#out + 1] = v end
return out
`;

/**
 * KEYS[1] hash; ARGV usd, soft(transitions, cost), hard(same), opKey, ttlMs.
 * Always records the cost (once per opKey); returns {outcome, limit, soft, counters-after…}.
 */
const COST_LUA = `${COMMON_LUA}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {'missing', '', ''} end
local opKey = ARGV[6]
if opKey == '' or redis.call('HSETNX', key, 'op:' .. opKey, '1') == 1 then
  -- addUsd: rounded to the nano-dollar
  local total = math.floor((num(key, 'costUsd') + tonumber(ARGV[1])) * 1e9 + 0.5) / 1e9
  redis.call('HSET', key, 'costUsd', string.format('%.17g', total))
end
local values = {nil, num(key, 'transitions'), nil, num(key, 'costUsd')}
local soft = {nil, tonumber(ARGV[2]), nil, tonumber(ARGV[3])}
local hard = {nil, tonumber(ARGV[4]), nil, tonumber(ARGV[5])}
local limit, isSoft = decide(key, values, soft, hard)
local out
if limit then out = {'denied', limit, isSoft} else out = {'allowed', '', ''} end
redis.call('PEXPIRE', key, ARGV[7])
for _, v in ipairs(counters(key)) do out[#out + 1] = v end
return out
`;

/**
 * KEYS[1] hash; ARGV opKey, ttlMs. Returns '1' the first time (and again for the same opKey),
 * '0' ever after, 'missing' for an unknown run.
 */
const EXTEND_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local opKey = ARGV[1]
if redis.call('HGET', KEYS[1], 'extended') == '1' then
  if opKey ~= '' and redis.call('HEXISTS', KEYS[1], 'op:' .. opKey) == 1 then return '1' end
  return '0'
end
redis.call('HSET', KEYS[1], 'extended', '1')
if opKey ~= '' then redis.call('HSET', KEYS[1], 'op:' .. opKey, '1') end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return '1'
`;

/** KEYS[1] hash; ARGV ttlMs, then field/value pairs. Writes them only when the run has no counters. */
const RESTORE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

type ScriptReply = string[];

interface BreakerCommands {
  pmqBreakerStart(key: string, startedAtMs: string, ttlMs: string): Promise<ScriptReply>;
  pmqBreakerTransition(key: string, ...args: string[]): Promise<ScriptReply>;
  pmqBreakerCost(key: string, ...args: string[]): Promise<ScriptReply>;
  pmqBreakerExtend(key: string, opKey: string, ttlMs: string): Promise<string>;
  pmqBreakerRestore(key: string, ...args: string[]): Promise<number>;
}

export interface RedisBreakerStoreOptions {
  /** Key prefix (default `pmq:breaker:`). */
  prefix?: string;
  /** Counters expire this long after a run's last operation (default 7 days). */
  ttlMs?: number;
}

/** An operation of a run the store has no counters for: counting it would grant fresh limits. */
export class BreakerRunMissingError extends Error {
  constructor(runId: string) {
    super(`circuit breaker: run '${runId}' was never started`);
    this.name = 'BreakerRunMissingError';
  }
}

/**
 * The circuit breaker's counters in Redis, shared by every orchestration replica. Passes the
 * engine's BREAKER_STORE_SCENARIOS like the in-memory store; the verdict texts come from the same
 * pure `checkBreaker`, fed with the counters the script saw (and checked to agree with it).
 */
export class RedisBreakerCounterStore implements BreakerCounterStore {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly commands: BreakerCommands;

  constructor(
    private readonly redis: Redis,
    options: RedisBreakerStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'pmq:breaker:';
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600_000;
    const defined = redis as unknown as Partial<BreakerCommands>;
    if (!defined.pmqBreakerStart) {
      redis.defineCommand('pmqBreakerStart', { numberOfKeys: 1, lua: START_LUA });
      redis.defineCommand('pmqBreakerTransition', { numberOfKeys: 1, lua: TRANSITION_LUA });
      redis.defineCommand('pmqBreakerCost', { numberOfKeys: 1, lua: COST_LUA });
      redis.defineCommand('pmqBreakerExtend', { numberOfKeys: 1, lua: EXTEND_LUA });
      redis.defineCommand('pmqBreakerRestore', { numberOfKeys: 1, lua: RESTORE_LUA });
    }
    this.commands = redis as unknown as BreakerCommands;
  }

  key(runId: string): string {
    return `${this.prefix}${runId}`;
  }

  async start(runId: string, nowMs: number): Promise<BreakerCounters> {
    const reply = await this.commands.pmqBreakerStart(
      this.key(runId),
      String(nowMs),
      String(this.ttlMs),
    );
    return parseCounters(reply) as BreakerCounters;
  }

  tryTransition(runId: string, attempt: TransitionAttempt): Promise<BreakerVerdict> {
    return this.tryTransitionOnce(runId, attempt, '');
  }

  /**
   * `tryTransition` applied at most once per `opKey` (the seq the transition will get): a retried
   * step that was allowed before is allowed again without counting a second time. A denied
   * attempt leaves no marker, so it is decided afresh (after an extension, say).
   */
  async tryTransitionOnce(
    runId: string,
    attempt: TransitionAttempt,
    opKey: string,
  ): Promise<BreakerVerdict> {
    const { soft, hard } = attempt.limits;
    const reply = await this.commands.pmqBreakerTransition(
      this.key(runId),
      attempt.toState,
      String(attempt.nowMs),
      ...limitArgs(soft),
      ...limitArgs(hard),
      opKey,
      String(this.ttlMs),
    );
    const [outcome, limit, isSoft, ...rest] = reply;
    if (outcome === 'missing') throw new BreakerRunMissingError(runId);
    const counters = parseCounters(rest) as BreakerCounters;
    if (outcome === 'replay') return { allowed: true, counters };
    const { verdict } = attemptTransition(counters, attempt);
    assertAgrees(verdict, outcome, limit, isSoft);
    return verdict;
  }

  recordCost(runId: string, usd: number, limits: ResolvedLimits): Promise<BreakerVerdict> {
    return this.recordCostOnce(runId, usd, limits, '');
  }

  /** `recordCost` charging each `opKey` (an agent call id) once; the verdict is always fresh. */
  async recordCostOnce(
    runId: string,
    usd: number,
    limits: ResolvedLimits,
    opKey: string,
  ): Promise<BreakerVerdict> {
    const reply = await this.commands.pmqBreakerCost(
      this.key(runId),
      String(usd),
      String(limits.soft.transitions),
      String(limits.soft.costUsd),
      String(limits.hard.transitions),
      String(limits.hard.costUsd),
      opKey,
      String(this.ttlMs),
    );
    const [outcome, limit, isSoft, ...rest] = reply;
    if (outcome === 'missing') throw new BreakerRunMissingError(runId);
    const counters = parseCounters(rest) as BreakerCounters;
    const verdict = checkBreaker(counters, limits);
    assertAgrees(verdict, outcome, limit, isSoft);
    return verdict;
  }

  extend(runId: string): Promise<boolean> {
    return this.extendOnce(runId, '');
  }

  /**
   * `extend` that answers true again for the same `opKey` (the halt it lifts): a step that
   * extended here and then failed to commit gets its extension back when retried, where a plain
   * `extend` would refuse the run's one extension as used.
   */
  async extendOnce(runId: string, opKey: string): Promise<boolean> {
    const reply = await this.commands.pmqBreakerExtend(this.key(runId), opKey, String(this.ttlMs));
    if (reply === 'missing') throw new BreakerRunMissingError(runId);
    return reply === '1';
  }

  /** Puts back the counters of a run whose hash expired (rebuilt from the database); false when it has some. */
  async restore(runId: string, counters: BreakerCounters): Promise<boolean> {
    const fields = [
      'startedAtMs',
      String(counters.startedAtMs),
      'transitions',
      String(counters.transitions),
      'costUsd',
      String(counters.costUsd),
      'extended',
      counters.extended ? '1' : '0',
      ...Object.entries(counters.visits).flatMap(([state, n]) => [`visit:${state}`, String(n)]),
    ];
    return (
      (await this.commands.pmqBreakerRestore(this.key(runId), String(this.ttlMs), ...fields)) === 1
    );
  }

  async counters(runId: string): Promise<BreakerCounters | null> {
    return parseCounters(await this.redis.hgetall(this.key(runId)));
  }
}

function limitArgs(l: {
  stateVisits: number;
  transitions: number;
  runtimeMinutes: number;
  costUsd: number;
}): string[] {
  return [l.stateVisits, l.transitions, l.runtimeMinutes, l.costUsd].map(String);
}

/** HGETALL as a flat array or an object → counters; null when the run has none. */
function parseCounters(raw: string[] | Record<string, string>): BreakerCounters | null {
  const fields: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i] as string] = raw[i + 1] as string;
  } else Object.assign(fields, raw);
  if (fields['startedAtMs'] === undefined) return null;
  const visits: Record<string, number> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith('visit:')) visits[field.slice('visit:'.length)] = Number(value);
  }
  return {
    startedAtMs: Number(fields['startedAtMs']),
    transitions: Number(fields['transitions'] ?? 0),
    visits,
    costUsd: Number(fields['costUsd'] ?? 0),
    extended: fields['extended'] === '1',
  };
}

/** The script decided atomically; the pure function must have decided the same from the same counters. */
function assertAgrees(
  verdict: BreakerVerdict,
  outcome: string | undefined,
  limit: string | undefined,
  isSoft: string | undefined,
): void {
  const scriptAllowed = outcome === 'allowed';
  const agrees = verdict.allowed
    ? scriptAllowed
    : !scriptAllowed &&
      verdict.limit === (limit as BreakerLimit) &&
      verdict.soft === (isSoft === '1');
  if (!agrees) {
    throw new Error(
      `circuit breaker: the Redis script (${outcome} ${limit ?? ''}) and checkBreaker (${verdict.allowed ? 'allowed' : `${verdict.limit} soft=${verdict.soft}`}) disagree`,
    );
  }
}
