import { auditJson } from '../testing/fake-invoker';
import { eventTypes, runHarness } from '../testing/run-harness';

describe('runWorkflow: failures', () => {
  it('fails the run when the auditor returns an error, naming state, agent and error', async () => {
    const { outcome, events } = await runHarness({
      script: { auditor: { error: '529 overloaded' } },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      finalState: 'audit',
      reason: "state 'audit': agent 'auditor' failed: 529 overloaded",
      finalPost: null,
      visitedStates: ['start', 'draft', 'audit'],
    });
    expect(eventTypes(events).slice(-3)).toEqual([
      'agent.started auditor',
      'agent.finished auditor',
      'run.finished failed',
    ]);
  });

  it('fails the run when the auditor answers with text that is not JSON', async () => {
    const { outcome } = await runHarness({ script: { auditor: 'Looks good to me, ship it!' } });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(
      /^state 'audit': agent 'auditor' returned an invalid AuditResult: the answer is not JSON \(/,
    );
  });

  it('fails the run when the auditor JSON does not match AuditResult', async () => {
    const { outcome } = await runHarness({
      script: { auditor: JSON.stringify({ decision: 'maybe', score: 12, feedback: 'hm' }) },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason:
        "state 'audit': agent 'auditor' returned an invalid AuditResult: the answer does not match AuditResult: " +
        'decision: Invalid option: expected one of "proceed"|"retry"|"halt"; score: Too big: expected number to be <=10',
    });
  });

  it('fails the run when a state needs a quality gate the run was not given', async () => {
    const { outcome, tasks } = await runHarness({ gates: {} });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: "state 'audit': quality gate 'post_lint' is not available to this run",
    });
    expect(tasks.some((task) => task.agent.name === 'auditor')).toBe(false);
  });

  it('ends halted in a halting terminal state, with the audit feedback as the reason', async () => {
    const { outcome } = await runHarness({
      script: { auditor: auditJson('halt', { feedback: 'The story has no point of view.' }) },
    });
    expect(outcome).toMatchObject({
      status: 'halted',
      finalState: 'halt',
      reason: 'The story has no point of view.',
      finalPost: null,
      visitedStates: ['start', 'draft', 'audit', 'halt'],
    });
  });

  it('fails the run, still ending with run.finished, when the breaker store fails', async () => {
    const { InMemoryBreakerCounterStore } =
      await import('../breaker/in-memory-breaker-counter-store');
    const breaker = new InMemoryBreakerCounterStore();
    breaker.recordCost = async () => {
      throw new Error('redis is down');
    };
    const { outcome, events } = await runHarness({ breaker });
    expect(outcome).toMatchObject({
      status: 'failed',
      finalState: 'draft',
      reason: "state 'draft': redis is down",
    });
    expect(events.at(-1)?.type).toBe('run.finished');
  });
});
