import type { AgentCall } from '../core/backend-adapter';
import type { ComposedPrompt } from '../core/composed-prompt';
import type { SentPrompt, SentTurn } from '../core/sent-prompt';
import type { RetryPolicy } from '../retry/retry-policy';

/** What every hosted-vendor adapter is built from; tests point `baseURL` at 127.0.0.1. */
export interface VendorAdapterConfig {
  apiKey: string;
  /** The vendor's API root; the SDK default when omitted. */
  baseURL?: string;
  /** Model used when the agent's spec names none. */
  defaultModel?: string;
  /** Cap on generated tokens (thinking included): a 400-word post is ~600, an audit ~400. */
  maxOutputTokens?: number;
  retry?: Partial<RetryPolicy>;
}

export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/** System text for vendors without separate cacheable blocks: the stable prefix first, so
 * automatic prefix caching (OpenAI, Gemini implicit caching) can hit across calls of a run. */
export function systemText(prompt: ComposedPrompt): string {
  return [prompt.stablePrefix, prompt.persona].filter((part) => part.trim() !== '').join('\n\n');
}

/** A chat request of the vendors that take the system text as a leading `system` message. */
export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

/** The messages of a chat request: the system text (when there is any), the history, the new turn. */
export function chatMessages(call: AgentCall): ChatRequest['messages'] {
  const system = systemText(call.prompt);
  return [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...call.history.map((turn) => ({ role: turn.role, content: turn.content })),
    { role: 'user', content: call.prompt.user },
  ];
}

/** The prompt a chat request carries: its system messages, then its turns in order. */
export function chatSentPrompt(request: ChatRequest): SentPrompt {
  const system: string[] = [];
  const turns: SentTurn[] = [];
  for (const { role, content } of request.messages) {
    if (role === 'system') system.push(content);
    else turns.push({ role, content });
  }
  return { model: request.model, system, turns };
}
