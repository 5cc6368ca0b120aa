import type { AgentTask } from '@postmagiq/contracts';
import type { AgentCall } from '../core/backend-adapter';
import type { ComposedPrompt } from '../core/composed-prompt';

/** A realistic writer task; override what a test is about. */
export function makeAgentTask(overrides: Partial<AgentTask> = {}): AgentTask {
  return {
    runId: 'run-0001',
    state: 'draft',
    stateType: 'fan-out',
    visit: 1,
    agent: { name: 'writer_claude', backend: 'claude', persona: 'writer', sessionPersist: false },
    input: {
      story: {
        title: 'The deploy that taught us to slow down',
        topic: 'engineering leadership',
        body:
          'Last spring our team shipped a release on a Friday afternoon. The migration locked the orders table for forty minutes. ' +
          'Customers could not check out and support was flooded. We rolled back, apologised and wrote a blameless review. ' +
          'The fix was not a tool. It was a habit: every migration now runs against a copy of production first, and nobody deploys alone.',
      },
      voice: {
        name: 'Calm operator',
        tone: ['candid', 'warm', 'practical'],
        signaturePhrases: ['Slow is smooth, smooth is fast.'],
        avoid: ['game-changer', 'synergy'],
        examples: [],
        styleRules: [],
      },
    },
    drafts: [],
    findings: [],
    audit: null,
    feedback: null,
    sessionKey: null,
    ...overrides,
  };
}

export function makeComposedPrompt(overrides: Partial<ComposedPrompt> = {}): ComposedPrompt {
  return {
    stablePrefix:
      'UNIVERSAL RULES: 250-400 words, no bullets, no headers.\nVOICE: candid, warm, practical.',
    persona: 'You are the writer. Draft one LinkedIn post.',
    user: 'Story: The deploy that taught us to slow down.',
    hash: 'sha256-fake',
    ...overrides,
  };
}

export function makeAgentCall(overrides: Partial<AgentCall> = {}): AgentCall {
  return {
    task: makeAgentTask(),
    prompt: makeComposedPrompt(),
    model: 'test-model',
    history: [],
    ...overrides,
  };
}
