import { AgentSpec } from '@postmagiq/contracts';
import { checkedAgentResult } from './checked-agent-result';

const agent: AgentSpec = {
  name: 'writer',
  backend: 'openai',
  persona: 'writer',
  model: 'gpt-4o',
  sessionPersist: false,
};

describe('checkedAgentResult', () => {
  it('passes a valid result through, defaults applied', () => {
    const result = {
      backend: 'openai',
      model: 'gpt-4o',
      content: 'hi',
      tokensIn: 3,
      tokensOut: 1,
      costUsd: 0.001,
      durationMs: 12,
      sessionId: null,
      error: null,
      simulated: false,
    };
    expect(checkedAgentResult(agent, result)).toEqual({ ...result, cachedTokensIn: 0 });
  });

  it('turns a result that breaks the contract into a failed call that costs nothing', () => {
    expect(checkedAgentResult(agent, { content: 'hi', costUsd: -1 })).toMatchObject({
      backend: 'openai',
      model: 'gpt-4o',
      content: '',
      costUsd: 0,
      error: expect.stringMatching(
        /^the invoker returned an invalid result \(.*costUsd: Too small/,
      ),
    });
  });
});
