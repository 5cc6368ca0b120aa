import { definitionOf, variantOf } from '../testing/default-workflow';
import { auditJson } from '../testing/fake-invoker';
import { eventTypes, runHarness, START_MS } from '../testing/run-harness';
import { StateBreakerTrip } from './run-workflow-options';

const alwaysRetry = { auditor: auditJson('retry', { feedback: 'Still flat.' }) };

describe('runWorkflow: circuit breaker', () => {
  it('halts a looping run on the 4th visit of a state when nobody extends the soft limit', async () => {
    const { outcome, events } = await runHarness({ script: alwaysRetry });
    expect(outcome).toMatchObject({
      status: 'halted',
      finalState: 'revise',
      reason:
        "circuit breaker: state 'audit' would be visited 4 times; the soft limit is 3 visits per state",
      finalPost: null,
      visitedStates: ['start', 'draft', 'audit', 'revise', 'audit', 'revise', 'audit', 'revise'],
    });
    expect(eventTypes(events).slice(-3)).toEqual([
      'agent.finished reviser',
      'breaker.tripped state_visits (soft)',
      'run.finished halted',
    ]);
    expect(events.find((event) => event.type === 'breaker.tripped')).toMatchObject({
      state: 'revise',
      soft: true,
    });
  });

  it('continues once after a soft-limit extension and completes', async () => {
    const trips: StateBreakerTrip[] = [];
    const { outcome } = await runHarness({
      script: {
        auditor: [auditJson('retry'), auditJson('retry'), auditJson('retry'), auditJson('proceed')],
      },
      onSoftLimit: async (trip) => {
        trips.push(trip);
        return true;
      },
    });
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({
      state: 'revise',
      limit: 'state_visits',
      soft: true,
      allowed: false,
    });
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(outcome.visitedStates.filter((state) => state === 'audit')).toHaveLength(4);
  });

  it('extends only once: the hard limit halts the run later, without asking again', async () => {
    const onSoftLimit = jest.fn(async () => true);
    const { outcome, events } = await runHarness({ script: alwaysRetry, onSoftLimit });
    expect(onSoftLimit).toHaveBeenCalledTimes(1);
    expect(outcome).toMatchObject({
      status: 'halted',
      reason:
        "circuit breaker: state 'audit' would be visited 7 times; the hard limit is 6 visits per state",
    });
    expect(outcome.visitedStates.filter((state) => state === 'audit')).toHaveLength(6);
    expect(eventTypes(events).filter((type) => type.startsWith('breaker'))).toEqual([
      'breaker.tripped state_visits (soft)',
      'breaker.tripped state_visits',
    ]);
  });

  it('halts when the soft limit is declined', async () => {
    const { outcome } = await runHarness({ script: alwaysRetry, onSoftLimit: async () => false });
    expect(outcome.status).toBe('halted');
    expect(outcome.visitedStates.filter((state) => state === 'audit')).toHaveLength(3);
  });

  it("honours a workflow's own limits", async () => {
    const definition = variantOf([['limits: { state_visits: 3,', 'limits: { state_visits: 2,']]);
    const { outcome } = await runHarness({ definition, script: alwaysRetry });
    expect(outcome.reason).toBe(
      "circuit breaker: state 'audit' would be visited 3 times; the soft limit is 2 visits per state",
    );
  });

  it('halts on cost after the state whose calls went over the limit', async () => {
    const { outcome, events } = await runHarness({
      script: { writer_claude: { content: 'Pricey.', costUsd: 5.5 } },
    });
    expect(outcome).toMatchObject({
      status: 'halted',
      finalState: 'draft',
      reason: 'circuit breaker: the run has cost $5.52; the soft limit is $5.00',
    });
    expect(events.filter((event) => event.type === 'breaker.tripped')).toEqual([
      expect.objectContaining({ state: 'draft', limit: 'cost_usd', soft: true }),
    ]);
    expect(outcome.usage.costUsd).toBe(5.52);
  });

  it('halts on cost above the hard limit even when asked to extend', async () => {
    const onSoftLimit = jest.fn(async () => true);
    const { outcome } = await runHarness({
      script: { writer_claude: { content: 'Very pricey.', costUsd: 11 } },
      onSoftLimit,
    });
    expect(onSoftLimit).not.toHaveBeenCalled();
    expect(outcome).toMatchObject({
      status: 'halted',
      reason: 'circuit breaker: the run has cost $11.02; the hard limit is $10.00',
    });
  });

  it('halts on runtime at the next transition', async () => {
    let elapsedMs = 0;
    const { outcome } = await runHarness({
      now: () => START_MS + elapsedMs,
      script: {
        auditor: () => {
          elapsedMs = 31 * 60_000;
          return auditJson('proceed');
        },
      },
    });
    expect(outcome).toMatchObject({
      status: 'halted',
      finalState: 'audit',
      reason:
        'circuit breaker: the run has been running for 31.0 minutes; the soft limit is 30 minutes',
    });
  });

  it('ends a loop that only the breaker can end', async () => {
    const definition = definitionOf(`
workflow:
  name: ping_pong
  initial_state: start
  states:
    start:
      type: initial
      transitions:
        - { target: done, condition: "context.costUsd > 100" }
        - { target: ping, condition: always }
    ping:
      type: single
      agent: { name: pinger, type: simulated, persona: writer }
      transitions: [{ target: pong, condition: always }]
    pong:
      type: single
      agent: { name: ponger, type: simulated, persona: writer }
      transitions: [{ target: ping, condition: "context.visits.ping >= 1" }]
    done:
      type: terminal
`);
    const { outcome } = await runHarness({ definition });
    expect(outcome).toMatchObject({
      status: 'halted',
      finalState: 'pong',
      reason:
        "circuit breaker: state 'ping' would be visited 4 times; the soft limit is 3 visits per state",
      visitedStates: ['start', 'ping', 'pong', 'ping', 'pong', 'ping', 'pong'],
    });
  });
});
