import type { AgentBackend, AgentResult, AgentTask } from '@postmagiq/contracts';
import type { ComposedPrompt } from './composed-prompt';

/** One earlier exchange of a persisted conversation (orchestrator-task agents). */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
  /**
   * Which agent call produced the turn (`runId:state:visit:agent`). Queues deliver at least once:
   * a store replaces the turns of a call id it already holds instead of appending them twice, and
   * a redelivered call does not see its own earlier answer as history.
   */
  callId?: string;
}

/** Everything an adapter needs for one call; the invoker has already composed the prompt. */
export interface AgentCall {
  task: AgentTask;
  prompt: ComposedPrompt;
  model: string;
  /** Earlier turns of a persisted session, oldest first (empty for one-shot calls). */
  history: ConversationTurn[];
}

export interface CompleteOptions {
  /**
   * Receives the text as it streams, in order, with the number of the attempt it belongs to
   * (from 1). A transient failure mid-stream is retried from the start: a higher attempt number
   * means the text of earlier attempts is void, and the concatenation of the last attempt's text
   * equals `result.content`.
   */
  onToken?: (text: string, attempt: number) => void;
  signal?: AbortSignal;
  /**
   * Receives `hashSentPrompt` of the request as the adapter assembled it (system, history turns,
   * new user turn, model), before it is sent; not called when no request is made.
   */
  onPromptHash?: (hash: string) => void;
}

/**
 * One backend behind one interface. `complete` always streams and resolves with the aggregated
 * result; it never rejects for a vendor failure: a call that fails for good resolves with `error`
 * set and the usage seen so far, so the caller can still meter what was spent.
 */
export interface BackendAdapter {
  readonly backend: AgentBackend;
  readonly defaultModel: string;
  complete(call: AgentCall, opts?: CompleteOptions): Promise<AgentResult>;
}
