import {
  failedAgentResult,
  type AgentBackend,
  type AgentResult,
  type AgentTask,
} from '@postmagiq/contracts';
import { composePrompt } from '@postmagiq/prompts';
import type { BackendAdapter, ConversationTurn } from '../core/backend-adapter';
import type { ComposedPrompt, PromptLibrary } from '../core/composed-prompt';
import { InMemorySessionStore } from '../sessions/in-memory-session-store';
import type { SessionStore } from '../sessions/session-store';
import { SimulatedAdapter } from '../simulated/simulated.adapter';
import { BACKEND_ENV_VARS } from './backend-env';
import type { AdapterMap } from './create-adapters-from-env';

/** One agent call of a workflow run, as the workflow engine and the agent workers make it. */
export type AgentInvoker = (
  task: AgentTask,
  /** Streamed text with its attempt number: see `CompleteOptions.onToken`. */
  onToken?: (text: string, attempt: number) => void,
  signal?: AbortSignal,
  given?: AgentInvokeInputs,
) => Promise<AgentResult>;

/**
 * What the caller already has of a call's inputs (an agent worker composes the prompt while it
 * looks up a stored result, and starts reading the session alongside its other reads). Each is
 * used as given; whatever is missing the invoker makes itself. Also where the caller wants the
 * hash of what was sent.
 */
export interface AgentInvokeInputs {
  /** The task's prompt: `composePrompt(library, task)` with the invoker's own library. */
  prompt?: ComposedPrompt;
  /**
   * The session of the task's `sessionKey` as the invoker's session store loads it
   * (`sessions.load(task.sessionKey)`), already on its way. Ignored for a task without a session.
   */
  session?: Promise<ConversationTurn[]>;
  /**
   * Receives the hash of the exact prompt sent to the vendor (system, the session's history, the
   * new user turn, the model), from the adapter that assembled the request
   * (`CompleteOptions.onPromptHash`). Not called when no request is made.
   */
  onPromptHash?: (hash: string) => void;
}

export interface AgentInvokerOptions {
  adapters: AdapterMap;
  library: PromptLibrary;
  /** Where orchestrator-task conversations live; in memory unless given. */
  sessions?: SessionStore;
  /**
   * What to do for a backend that is not configured: run it on `simulated` (the result then says
   * `backend: 'simulated'`, `simulated: true`), or fail the call naming the variable to set.
   */
  fallback?: 'simulated' | 'none';
}

/**
 * Composes the prompt (unless the caller gives it), picks the adapter (or the simulated stand-in),
 * continues the agent's session when the task has one, and records the new exchange only when the
 * call succeeded.
 * Vendor failures come back as `error` in the result; only the session store can throw, so that
 * an infrastructure outage fails the job and the queue retries it.
 */
export function createAgentInvoker(options: AgentInvokerOptions): AgentInvoker {
  const sessions = options.sessions ?? new InMemorySessionStore();
  const fallback = options.fallback ?? 'simulated';
  let simulated: BackendAdapter | undefined = options.adapters.simulated;

  return async (task, onToken, signal, given = {}) => {
    const wanted = task.agent.backend;
    let adapter = options.adapters[wanted];
    if (!adapter && fallback === 'simulated') adapter = simulated ??= new SimulatedAdapter();
    if (!adapter)
      return failedAgentResult(
        wanted,
        task.agent.model ?? 'unconfigured',
        `${wanted} backend: not configured. Set ${envVarFor(wanted)}.`,
      );
    // A stand-in runs its own model; the agent's model names a model of the backend it wanted.
    const model =
      adapter.backend === wanted
        ? (task.agent.model ?? adapter.defaultModel)
        : adapter.defaultModel;

    let prompt: ComposedPrompt;
    try {
      prompt = given.prompt ?? composePrompt(options.library, task);
    } catch (err) {
      return failedAgentResult(
        adapter.backend,
        model,
        `prompt composition failed: ${(err as Error).message}`,
      );
    }

    const callId = `${task.runId}:${task.state}:${task.visit}:${task.agent.name}`;
    const key = task.sessionKey;
    // A redelivered call must not see its own earlier answer as history.
    const history = key
      ? (await (given.session ?? sessions.load(key))).filter((turn) => turn.callId !== callId)
      : [];
    const result = await adapter.complete(
      { task, prompt, model, history },
      { onToken, signal, onPromptHash: given.onPromptHash },
    );
    if (key && result.error === null) {
      const turns: ConversationTurn[] = [
        { role: 'user', content: prompt.user, callId },
        { role: 'assistant', content: result.content, callId },
      ];
      await sessions.append(key, turns);
    }
    return result;
  };
}

function envVarFor(backend: AgentBackend): string {
  return backend === 'simulated'
    ? 'nothing (simulated needs no configuration)'
    : BACKEND_ENV_VARS[backend];
}
