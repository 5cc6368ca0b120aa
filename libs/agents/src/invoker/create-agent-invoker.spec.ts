import { AuditResultSchema, type AgentTask } from '@postmagiq/contracts';
import { composePrompt, lintPost, type PromptLibrary } from '@postmagiq/prompts';
import { ClaudeAdapter } from '../adapters/claude.adapter';
import { InMemorySessionStore } from '../sessions/in-memory-session-store';
import { CONFORMANCE_RETRY } from '../testing/adapter-conformance';
import { makeAgentTask } from '../testing/agent-task.fixture';
import { FakeAnthropicServer } from '../testing/fake-anthropic-server';
import { createAdaptersFromEnv } from './create-adapters-from-env';
import { createAgentInvoker } from './create-agent-invoker';

const library: PromptLibrary = {
  universalRules: 'Write 250-400 words. No bullets, no headers.',
  personas: new Map([
    ['writer', 'You are the writer for {{voice_name}}.'],
    ['auditor', 'You are the auditor of {{draft_count}} drafts.'],
    ['reviser', 'You are the reviser, revision {{visit}}.'],
    ['synthesizer', 'You are the synthesizer for "{{story_title}}".'],
  ]),
};
const agent = (
  name: string,
  persona: string,
  backend: AgentTask['agent']['backend'] = 'claude',
) => ({
  name,
  backend,
  persona,
  sessionPersist: persona === 'synthesizer',
});

describe('createAgentInvoker without keys', () => {
  const invoke = createAgentInvoker({ adapters: createAdaptersFromEnv({}), library });

  it('runs an unconfigured backend on simulated and says so in the result', async () => {
    const tokens: string[] = [];
    const result = await invoke(makeAgentTask({ agent: agent('writer_claude', 'writer') }), (t) =>
      tokens.push(t),
    );
    expect(result).toMatchObject({
      backend: 'simulated',
      model: 'simulated-1',
      simulated: true,
      costUsd: 0,
      error: null,
    });
    expect(tokens.join('')).toBe(result.content);
  });

  it('fails the call, naming the variable, when fallback is off', async () => {
    const strict = createAgentInvoker({ adapters: {}, library, fallback: 'none' });
    const result = await strict(
      makeAgentTask({ agent: agent('writer_gemini', 'writer', 'gemini') }),
    );
    expect(result).toMatchObject({ backend: 'gemini', simulated: false, content: '' });
    expect(result.error).toBe('gemini backend: not configured. Set GEMINI_API_KEY.');
  });

  it('reports a persona without a template as a failed call, not a crash', async () => {
    const result = await invoke(makeAgentTask({ agent: agent('critic', 'critic') }));
    expect(result.error).toMatch(/prompt composition failed: no template for persona "critic"/);
  });

  it('drives the whole revise loop offline: draft, audit, revise, audit, synthesize', async () => {
    const base = makeAgentTask();
    const run = (overrides: Partial<AgentTask>) => invoke({ ...base, ...overrides });
    const drafts = await Promise.all(
      ['writer_claude', 'writer_gemini'].map((name) =>
        run({ state: 'draft', agent: agent(name, 'writer') }),
      ),
    );
    const firstAudit = AuditResultSchema.parse(
      JSON.parse(
        (
          await run({
            state: 'audit',
            agent: agent('auditor', 'auditor'),
            drafts: drafts.map((d) => d.content),
          })
        ).content,
      ),
    );
    expect(firstAudit.decision).toBe('retry');
    const revised = await run({
      state: 'revise',
      agent: agent('reviser', 'reviser'),
      drafts: drafts.map((d) => d.content),
      audit: firstAudit,
    });
    const secondAudit = AuditResultSchema.parse(
      JSON.parse(
        (
          await run({
            state: 'audit',
            visit: 2,
            agent: agent('auditor', 'auditor'),
            drafts: [revised.content],
            audit: firstAudit,
          })
        ).content,
      ),
    );
    expect(secondAudit).toMatchObject({ decision: 'proceed', bestDraft: 0 });
    const final = await run({
      state: 'synthesize',
      stateType: 'orchestrator-task',
      agent: agent('synthesizer', 'synthesizer'),
      drafts: [revised.content],
      audit: secondAudit,
      sessionKey: `${base.runId}:synthesize:synthesizer`,
    });
    expect(final.simulated).toBe(true);
    expect(lintPost(final.content, { voice: base.input.voice })).toEqual([]);
  });
});

describe('createAgentInvoker with a configured backend and sessions', () => {
  let server: FakeAnthropicServer;
  let sessions: InMemorySessionStore;
  let invoke: ReturnType<typeof createAgentInvoker>;
  const sessionKey = 'run-0001:synthesize:synthesizer';
  const synthTask = (visit: number, feedback: string | null = null) =>
    makeAgentTask({
      state: 'synthesize',
      stateType: 'orchestrator-task',
      visit,
      agent: agent('synthesizer', 'synthesizer'),
      sessionKey,
      feedback,
    });

  beforeEach(async () => {
    server = await new FakeAnthropicServer().start();
    sessions = new InMemorySessionStore();
    const claude = new ClaudeAdapter({
      apiKey: server.apiKey ?? '',
      baseURL: server.url,
      retry: CONFORMANCE_RETRY,
    });
    invoke = createAgentInvoker({ adapters: { claude }, library, sessions });
  });
  afterEach(() => server.close());

  it('sends the composed prompt to the configured adapter with its default model', async () => {
    const task = makeAgentTask({ agent: agent('writer_claude', 'writer') });
    const result = await invoke(task);
    expect(result).toMatchObject({
      backend: 'claude',
      model: 'claude-sonnet-5-5',
      simulated: false,
      error: null,
    });
    const body = server.bodyOf(0);
    const prompt = composePrompt(library, task);
    expect(body['model']).toBe('claude-sonnet-5-5');
    expect(body['system']).toEqual([
      { type: 'text', text: prompt.stablePrefix, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: prompt.persona },
    ]);
  });

  it('sends a prompt the caller composed as it is, without composing it again', async () => {
    const task = makeAgentTask({ agent: agent('writer_claude', 'writer') });
    const prompt = composePrompt(library, task);
    const given = { ...prompt, persona: `${prompt.persona} (composed by the caller)` };
    const result = await invoke(task, undefined, undefined, { prompt: given });
    expect(result.error).toBeNull();
    expect(server.bodyOf(0)['system']).toEqual([
      { type: 'text', text: prompt.stablePrefix, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: given.persona },
    ]);
  });

  it('records the given prompt in the session of a sessionKey task', async () => {
    server.enqueue({ kind: 'stream', chunks: ['final post'] });
    const task = synthTask(1);
    const prompt = composePrompt(library, task);
    await invoke(task, undefined, undefined, {
      prompt: { ...prompt, user: `${prompt.user}\n(given)` },
    });
    expect((await sessions.load(sessionKey)).map((t) => t.content)).toEqual([
      `${prompt.user}\n(given)`,
      'final post',
    ]);
  });

  it('continues from a session the caller started loading, still leaving out its own turns', async () => {
    server.enqueue(
      { kind: 'stream', chunks: ['first final post'] },
      { kind: 'stream', chunks: ['second final post'] },
    );
    await invoke(synthTask(1));
    const held = await sessions.load(sessionKey);
    // a redelivery of visit 1 given the session as loaded: its own earlier exchange is not history
    await invoke(synthTask(1), undefined, undefined, { session: sessions.load(sessionKey) });
    expect(server.bodyOf(1)['messages']).toHaveLength(1);
    // visit 2 given a session load that the caller made: sent as history
    server.enqueue({ kind: 'stream', chunks: ['third'] });
    await invoke(synthTask(2), undefined, undefined, { session: Promise.resolve(held) });
    const messages = server.bodyOf(2)['messages'] as { content: string }[];
    expect(messages.map((m) => m.content).slice(0, 2)).toEqual(held.map((t) => t.content));
  });

  it('ignores a given session for a task without a sessionKey', async () => {
    const task = makeAgentTask({ agent: agent('writer_claude', 'writer') });
    await invoke(task, undefined, undefined, {
      session: Promise.resolve([{ role: 'user', content: 'not this', callId: 'x' }]),
    });
    expect(server.bodyOf(0)['messages']).toHaveLength(1);
  });

  it("uses the agent's own model when the definition names one", async () => {
    await invoke(
      makeAgentTask({ agent: { ...agent('writer_claude', 'writer'), model: 'claude-haiku-4-5' } }),
    );
    expect(server.bodyOf(0)['model']).toBe('claude-haiku-4-5');
  });

  it('continues the session of a sessionKey task on its next visit', async () => {
    server.enqueue(
      { kind: 'stream', chunks: ['first final post'] },
      { kind: 'stream', chunks: ['second final post'] },
    );
    const first = await invoke(synthTask(1));
    expect(first.sessionId).toBe(sessionKey);
    await invoke(synthTask(2, 'Shorter, please.'));
    const messages = server.bodyOf(1)['messages'] as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]?.content).toBe(composePrompt(library, synthTask(1)).user);
    expect(messages[1]?.content).toBe('first final post');
    expect(messages[2]?.content).toContain('Shorter, please.');
    expect((await sessions.load(sessionKey)).map((t) => t.content)).toEqual([
      messages[0]?.content,
      'first final post',
      messages[2]?.content,
      'second final post',
    ]);
  });

  it('does not duplicate the session when the queue redelivers a call', async () => {
    server.enqueue(
      { kind: 'stream', chunks: ['v1'] },
      { kind: 'stream', chunks: ['v2'] },
      { kind: 'stream', chunks: ['v2 again'] },
    );
    await invoke(synthTask(1));
    await invoke(synthTask(2));
    await invoke(synthTask(2));
    const redelivered = server.bodyOf(2)['messages'] as unknown[];
    expect(redelivered).toHaveLength(3);
    expect((await sessions.load(sessionKey)).map((t) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect((await sessions.load(sessionKey)).at(-1)?.content).toBe('v2 again');
  });

  it('records nothing in the session when the call failed', async () => {
    server.enqueue({ kind: 'error', status: 400, message: 'bad request' });
    const result = await invoke(synthTask(1));
    expect(result.error).toMatch(/HTTP 400/);
    expect(await sessions.load(sessionKey)).toEqual([]);
  });
});
