import type { ConversationTurn } from '../core/backend-adapter';

/**
 * Conversations of orchestrator-task agents, keyed by `AgentTask.sessionKey`. Implementations:
 * in memory (one process, tests) and Redis (workers, later). Both must make `append` idempotent
 * per `callId`, because a queue may deliver the same agent call twice.
 */
export interface SessionStore {
  /** The turns so far, oldest first; empty for a key never seen. */
  load(key: string): Promise<ConversationTurn[]>;
  /**
   * Adds turns at the end. Turns carrying a `callId` the session already holds replace the held
   * ones where they stand, so a redelivered call never duplicates its exchange.
   */
  append(key: string, turns: readonly ConversationTurn[]): Promise<void>;
}
