import type { ConversationTurn } from '../core/backend-adapter';
import type { SessionStore } from './session-store';

/** A SessionStore in this process's memory: the one-machine topology and tests. */
export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, ConversationTurn[]>();

  async load(key: string): Promise<ConversationTurn[]> {
    return (this.sessions.get(key) ?? []).map((turn) => ({ ...turn }));
  }

  async append(key: string, turns: readonly ConversationTurn[]): Promise<void> {
    const existing = this.sessions.get(key) ?? [];
    const ids = new Set(turns.flatMap((turn) => (turn.callId ? [turn.callId] : [])));
    const replaced = (turn: ConversationTurn) => turn.callId !== undefined && ids.has(turn.callId);
    const at = existing.findIndex(replaced);
    const kept = existing.filter((turn) => !replaced(turn));
    const fresh = turns.map((turn) => ({ ...turn }));
    // Every turn before the first replaced one is kept, so `at` is still the right position.
    if (at === -1) kept.push(...fresh);
    else kept.splice(at, 0, ...fresh);
    this.sessions.set(key, kept);
  }

  /** How many sessions are held (for tests and metrics). */
  get size(): number {
    return this.sessions.size;
  }
}
