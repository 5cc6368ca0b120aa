// Public API of @postmagiq/agents: backend adapters on the official SDKs, one retry policy and
// error classification, pricing, sessions, the simulated backend and the agent invoker.
// Test doubles (fake vendor servers, fixtures, the adapter conformance suite) are in ./testing.

export type {
  AgentCall,
  BackendAdapter,
  CompleteOptions,
  ConversationTurn,
} from './core/backend-adapter';
export type { UsageCounts } from './core/usage-counts';
export { hashSentPrompt, type SentPrompt, type SentTurn } from './core/sent-prompt';

export { ClaudeAdapter, CLAUDE_DEFAULT_MODEL } from './adapters/claude.adapter';
export { GeminiAdapter, GEMINI_DEFAULT_MODEL } from './adapters/gemini.adapter';
export { OpenAIAdapter, OPENAI_DEFAULT_MODEL } from './adapters/openai.adapter';
export {
  OllamaAdapter,
  OLLAMA_DEFAULT_HOST,
  OLLAMA_DEFAULT_MODEL,
  type OllamaAdapterConfig,
} from './adapters/ollama.adapter';
export { DEFAULT_MAX_OUTPUT_TOKENS, type VendorAdapterConfig } from './adapters/adapter-config';
export {
  SimulatedAdapter,
  SIMULATED_MODEL,
  estimateTokens,
  type SimulatedAdapterConfig,
} from './simulated/simulated.adapter';
export { simulateResponse } from './simulated/simulate-response';

export { classifyError, type ClassifiedError, type ErrorKind } from './retry/classify-error';
export { AttemptTimeoutError, CallCancelledError, VendorResponseError } from './retry/call-errors';
export {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  retryPolicy,
  type RetryPolicy,
} from './retry/retry-policy';
export {
  runStreamingCall,
  type AttemptContext,
  type StreamingCallSpec,
} from './retry/run-streaming-call';

export { priceUsage, resolvePrice, type ResolvedPrice } from './pricing/pricing';
export { PRICE_TABLE, type BackendPrices, type ModelPrice } from './pricing/price-table';

export type { SessionStore } from './sessions/session-store';
export { InMemorySessionStore } from './sessions/in-memory-session-store';

export { BACKEND_ENV_VARS, resolveBackends, type Env } from './invoker/backend-env';
export { createAdaptersFromEnv, type AdapterMap } from './invoker/create-adapters-from-env';
export {
  createAgentInvoker,
  type AgentInvokeInputs,
  type AgentInvoker,
  type AgentInvokerOptions,
} from './invoker/create-agent-invoker';
