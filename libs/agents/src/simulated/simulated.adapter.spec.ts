import { AgentResultSchema } from '@postmagiq/contracts';
import { makeAgentCall, makeAgentTask, makeComposedPrompt } from '../testing/agent-task.fixture';
import { estimateTokens, SimulatedAdapter } from './simulated.adapter';

describe('SimulatedAdapter', () => {
  const call = makeAgentCall({ model: 'simulated-1' });

  it('labels every result as simulated, free, with model simulated-1', async () => {
    const result = await new SimulatedAdapter().complete(call);
    expect(AgentResultSchema.parse(result)).toMatchObject({
      backend: 'simulated',
      model: 'simulated-1',
      simulated: true,
      costUsd: 0,
      cachedTokensIn: 0,
      error: null,
    });
  });

  it('streams the answer word by word, in order, adding up to the content', async () => {
    const tokens: string[] = [];
    const result = await new SimulatedAdapter().complete(call, { onToken: (t) => tokens.push(t) });
    expect(tokens.length).toBeGreaterThan(250);
    expect(tokens.join('')).toBe(result.content);
    expect(tokens.every((t) => t.trim().split(/\s+/).length === 1)).toBe(true);
  });

  it('estimates tokens deterministically at about four characters each', async () => {
    const prompt = makeComposedPrompt();
    const history = [{ role: 'assistant' as const, content: 'an earlier answer' }];
    const result = await new SimulatedAdapter().complete(makeAgentCall({ prompt, history }));
    const promptText = [prompt.stablePrefix, prompt.persona, prompt.user, 'an earlier answer'].join(
      '\n\n',
    );
    expect(result.tokensIn).toBe(estimateTokens(promptText));
    expect(result.tokensOut).toBe(Math.ceil(result.content.length / 4));
  });

  it('returns the same content for the same task', async () => {
    const adapter = new SimulatedAdapter();
    const [a, b] = await Promise.all([
      adapter.complete(call),
      adapter.complete(makeAgentCall({ model: 'simulated-1' })),
    ]);
    expect(a.content).toBe(b.content);
  });

  it('takes the configured latency, and a cancelled call stops waiting', async () => {
    const slow = new SimulatedAdapter({ latencyMs: 80 });
    const started = Date.now();
    await slow.complete(call);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const cancelled = await new SimulatedAdapter({ latencyMs: 5_000 }).complete(call, {
      signal: controller.signal,
    });
    expect(cancelled.error).toMatch(/cancelled/);
    expect(cancelled.simulated).toBe(true);
  });

  it('carries the session key as the session id', async () => {
    const task = makeAgentTask({ sessionKey: 'run-0001:synthesize:synthesizer' });
    const result = await new SimulatedAdapter().complete(makeAgentCall({ task }));
    expect(result.sessionId).toBe('run-0001:synthesize:synthesizer');
  });
});
