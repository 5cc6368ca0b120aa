import { AgentResult } from '@postmagiq/contracts';
import { latch } from '../testing/fake-invoker';
import { settleFanOut } from './settle-fan-out';

const result = (content: string, error: string | null = null): AgentResult => ({
  backend: 'simulated',
  model: 'sim',
  content,
  tokensIn: 1,
  tokensOut: 1,
  cachedTokensIn: 0,
  costUsd: 0,
  durationMs: 1,
  sessionId: null,
  error,
  simulated: true,
});

describe('settleFanOut', () => {
  it('waits for every call under all_complete and keeps declaration order', async () => {
    const slow = latch();
    const settlement = settleFanOut(
      [
        slow.promise.then(() => result('first declared')),
        Promise.resolve(result('second declared')),
      ],
      { kind: 'all' },
    );
    slow.release();
    expect(await settlement).toEqual({
      status: 'satisfied',
      results: [result('first declared'), result('second declared')],
      succeeded: 2,
      failed: 0,
    });
  });

  it('resolves with any_complete while other calls are still running', async () => {
    const never = new Promise<AgentResult>(() => undefined);
    const settlement = await settleFanOut([never, Promise.resolve(result('quick'))], {
      kind: 'any',
    });
    expect(settlement).toEqual({
      status: 'satisfied',
      results: [undefined, result('quick')],
      succeeded: 1,
      failed: 0,
    });
  });

  it('gives up as soon as the rule cannot be met', async () => {
    const never = new Promise<AgentResult>(() => undefined);
    const settlement = await settleFanOut([Promise.resolve(result('', 'boom')), never], {
      kind: 'all',
    });
    expect(settlement.status).toBe('unsatisfiable');
  });

  it('rejects when a call rejects before the decision', async () => {
    await expect(
      settleFanOut([Promise.reject(new Error('cancelled'))], { kind: 'any' }),
    ).rejects.toThrow('cancelled');
  });
});
