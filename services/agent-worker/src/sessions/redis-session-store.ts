import type { ConversationTurn, SessionStore } from '@postmagiq/agents';
import type { Redis } from 'ioredis';

/**
 * Appends turns to a session list, replacing the turns of a call id the session already holds
 * where they stand (a redelivered call), in one atomic step so concurrent appends never interleave
 * a read and a write. ARGV: ttl seconds, then one JSON turn per argument. Registered as the client
 * command `APPEND_COMMAND` (EVALSHA; the script is sent again after NOSCRIPT).
 */
const APPEND_SCRIPT = `
local key = KEYS[1]
local ttl = tonumber(ARGV[1])
local ids = {}
local any = false
for i = 2, #ARGV do
  local turn = cjson.decode(ARGV[i])
  if type(turn.callId) == 'string' then
    ids[turn.callId] = true
    any = true
  end
end
local existing = any and redis.call('LRANGE', key, 0, -1) or {}
local kept = {}
local at = nil
for _, raw in ipairs(existing) do
  local turn = cjson.decode(raw)
  if type(turn.callId) == 'string' and ids[turn.callId] then
    if at == nil then at = #kept end
  else
    kept[#kept + 1] = raw
  end
end
if at == nil then
  for i = 2, #ARGV do redis.call('RPUSH', key, ARGV[i]) end
else
  local out = {}
  for i = 1, at do out[#out + 1] = kept[i] end
  for i = 2, #ARGV do out[#out + 1] = ARGV[i] end
  for i = at + 1, #kept do out[#out + 1] = kept[i] end
  redis.call('DEL', key)
  for i = 1, #out, 1000 do
    redis.call('RPUSH', key, unpack(out, i, math.min(i + 999, #out)))
  end
end
redis.call('EXPIRE', key, ttl)
return redis.call('LLEN', key)
`;

const APPEND_COMMAND = 'pmqAgentSessionAppend';

interface WithAppendCommand {
  [APPEND_COMMAND](key: string, ttlSeconds: string, ...turns: string[]): Promise<number>;
}

/**
 * Conversations of orchestrator-task agents in Redis, so any worker of the pool continues them.
 * Same behaviour as `InMemorySessionStore`: per-call replacement, copies out. Each session is a
 * list of JSON turns under `<prefix><sessionKey>`, expiring `ttlSeconds` after its last append.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis & WithAppendCommand;

  constructor(
    redis: Redis,
    private readonly options: { prefix?: string; ttlSeconds?: number } = {},
  ) {
    redis.defineCommand(APPEND_COMMAND, { numberOfKeys: 1, lua: APPEND_SCRIPT });
    this.redis = redis as Redis & WithAppendCommand;
  }

  private key(sessionKey: string): string {
    return `${this.options.prefix ?? 'pmq:agent-session:'}${sessionKey}`;
  }

  async load(key: string): Promise<ConversationTurn[]> {
    const raw = await this.redis.lrange(this.key(key), 0, -1);
    return raw.map((item) => parseTurn(item));
  }

  async append(key: string, turns: readonly ConversationTurn[]): Promise<void> {
    if (turns.length === 0) return;
    const args = turns.map((turn) =>
      JSON.stringify({
        role: turn.role,
        content: turn.content,
        ...(turn.callId !== undefined ? { callId: turn.callId } : {}),
      }),
    );
    await this.redis[APPEND_COMMAND](
      this.key(key),
      String(this.options.ttlSeconds ?? 30 * 24 * 3600),
      ...args,
    );
  }
}

function parseTurn(raw: string): ConversationTurn {
  const value = JSON.parse(raw) as { role?: unknown; content?: unknown; callId?: unknown };
  if ((value.role !== 'user' && value.role !== 'assistant') || typeof value.content !== 'string') {
    throw new Error(`session store holds a malformed turn: ${raw.slice(0, 120)}`);
  }
  return {
    role: value.role,
    content: value.content,
    ...(typeof value.callId === 'string' ? { callId: value.callId } : {}),
  };
}
