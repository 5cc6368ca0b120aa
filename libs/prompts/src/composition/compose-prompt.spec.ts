import { join } from 'node:path';
import type { AgentTask } from '@postmagiq/contracts';
import { composePrompt } from './compose-prompt';
import { loadPromptLibrary } from './prompt-library';

const library = loadPromptLibrary(join(__dirname, '../../../../prompts'));

const task = (overrides: Partial<AgentTask> = {}): AgentTask => ({
  runId: 'run-1',
  state: 'draft',
  stateType: 'fan-out',
  visit: 1,
  agent: { name: 'writer_a', backend: 'claude', persona: 'writer', sessionPersist: false },
  input: {
    story: { title: 'The backlog purge', body: 'We closed 120 tickets in one retro.' },
    voice: {
      name: 'Dana',
      tone: ['candid', 'warm'],
      signaturePhrases: ['ship the smallest true thing'],
      avoid: ['synergy'],
      examples: ['Last week I said no to a client.'],
      styleRules: ['short sentences'],
    },
  },
  drafts: [],
  findings: [],
  audit: null,
  feedback: null,
  sessionKey: null,
  ...overrides,
});

describe('composePrompt', () => {
  it('puts universal rules and the voice in a prefix that does not change between calls of a run', () => {
    const first = composePrompt(library, task());
    const later = composePrompt(
      library,
      task({
        state: 'audit',
        agent: { name: 'auditor', backend: 'claude', persona: 'auditor', sessionPersist: false },
        drafts: ['a draft'],
      }),
    );
    expect(first.stablePrefix).toBe(later.stablePrefix);
    expect(first.stablePrefix).toContain(library.universalRules);
    expect(first.stablePrefix).toContain('Tone: candid, warm.');
    expect(first.stablePrefix).toContain('- "synergy"');
    expect(first.stablePrefix).toContain('Last week I said no to a client.');
    expect(first.persona).not.toBe(later.persona);
  });

  it('renders the persona template with the task values', () => {
    const prompt = composePrompt(library, task());
    expect(prompt.persona).toContain('in the voice of Dana');
    expect(prompt.persona).not.toMatch(/\{\{/);
  });

  it('gives the model the drafts, their findings, the audit and the reviewer feedback', () => {
    const prompt = composePrompt(
      library,
      task({
        agent: { name: 'reviser', backend: 'claude', persona: 'reviser', sessionPersist: false },
        drafts: ['draft zero', 'draft one'],
        findings: [[{ rule: 'hook-fold', severity: 'error', message: 'hook too long' }], []],
        audit: {
          decision: 'retry',
          score: 5,
          feedback: 'Tighten the hook.',
          bestDraft: 1,
          findings: [],
        },
        feedback: 'Mention the customer.',
      }),
    );
    expect(prompt.user).toContain('## Draft 0\ndraft zero');
    expect(prompt.user).toContain('- [error] hook-fold: hook too long');
    expect(prompt.user).toContain('Decision: retry, score 5/10, best draft 1\nTighten the hook.');
    expect(prompt.user).toContain('## Reviewer feedback (takes priority)\nMention the customer.');
  });

  it('hashes the exact prompt, so any change to it changes the hash', () => {
    const a = composePrompt(library, task());
    expect(composePrompt(library, task()).hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(composePrompt(library, task({ feedback: 'x' })).hash).not.toBe(a.hash);
  });

  it('names the persona and the known ones when a template is missing', () => {
    expect(() =>
      composePrompt(
        library,
        task({ agent: { name: 'x', backend: 'claude', persona: 'poet', sessionPersist: false } }),
      ),
    ).toThrow(/no template for persona "poet" \(known: .*writer/);
  });
});
