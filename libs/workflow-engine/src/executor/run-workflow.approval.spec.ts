import { variantOf } from '../testing/default-workflow';
import { auditJson } from '../testing/fake-invoker';
import { eventTypes, runHarness } from '../testing/run-harness';

const script = {
  auditor: auditJson('proceed'),
  synthesizer: ['First synthesis.', 'Second synthesis, with a concrete number.'],
  reviser: 'Revised after the reviewer: rollbacks take 60 seconds.',
};

describe('runWorkflow: human approval', () => {
  it('loops back on a rejection and hands the feedback to the next task', async () => {
    const { outcome, tasks, approvalRequests } = await runHarness({
      script,
      approvals: [
        { decision: 'reject', feedback: 'Say how fast rollbacks are.' },
        { decision: 'approve' },
      ],
    });
    expect(outcome).toMatchObject({
      status: 'completed',
      visitedStates: [
        'start',
        'draft',
        'audit',
        'synthesize',
        'review',
        'revise',
        'audit',
        'synthesize',
        'review',
        'complete',
      ],
      finalPost: 'Second synthesis, with a concrete number.',
    });
    const afterRejection = tasks.slice(tasks.findIndex((task) => task.state === 'revise'));
    expect(afterRejection.map((task) => [task.agent.name, task.feedback])).toEqual([
      ['reviser', 'Say how fast rollbacks are.'],
      ['auditor', 'Say how fast rollbacks are.'],
      ['synthesizer', 'Say how fast rollbacks are.'],
    ]);
    expect(tasks.filter((task) => task.state !== 'revise' && task.feedback !== null)).toHaveLength(
      2,
    );
    expect(approvalRequests.map((request) => request.post)).toEqual([
      'First synthesis.',
      'Second synthesis, with a concrete number.',
    ]);
  });

  it('keeps the synthesizer on one session key across visits', async () => {
    const { tasks } = await runHarness({
      script,
      approvals: [{ decision: 'reject', feedback: 'Shorter.' }, { decision: 'approve' }],
    });
    const sessions = tasks
      .filter((task) => task.agent.name === 'synthesizer')
      .map((task) => [task.visit, task.sessionKey]);
    expect(sessions).toEqual([
      [1, 'run-1:synthesize:synthesizer'],
      [2, 'run-1:synthesize:synthesizer'],
    ]);
  });

  it("replaces the post with the reviewer's edit", async () => {
    const { outcome, events } = await runHarness({
      script,
      approvals: [{ decision: 'edit', text: 'Edited by a human: rollbacks take a minute.' }],
    });
    expect(outcome).toMatchObject({
      status: 'completed',
      finalPost: 'Edited by a human: rollbacks take a minute.',
      visitedStates: ['start', 'draft', 'audit', 'synthesize', 'review', 'complete'],
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run.finished',
      finalPost: 'Edited by a human: rollbacks take a minute.',
    });
  });

  it('fails the run on an approval answer that breaks the contract', async () => {
    const { outcome } = await runHarness({
      script,
      approvals: [{ decision: 'edit', text: '   ' }],
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      finalState: 'review',
      reason: "state 'review': invalid approval answer: the edited post must not be empty",
    });
  });

  it('fails the run when no transition matches the decision, naming the state', async () => {
    const definition = variantOf([
      [`        - { target: revise, condition: "result.decision == 'reject'" }\n`, ''],
    ]);
    const { outcome, events } = await runHarness({
      definition,
      script,
      approvals: [{ decision: 'reject', feedback: 'No.' }],
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      finalState: 'review',
      reason: "state 'review': no transition condition holds",
      finalPost: null,
    });
    expect(eventTypes(events).slice(-2)).toEqual(['approval.requested', 'run.finished failed']);
  });

  it('ends the run as cancelled when aborted while waiting for a reviewer', async () => {
    const controller = new AbortController();
    const { outcome, events } = await runHarness({
      script,
      signal: controller.signal,
      // A reviewer who never answers; the user gives up instead.
      approve: () => {
        controller.abort('the user closed the run');
        return new Promise(() => undefined);
      },
    });
    expect(outcome).toMatchObject({
      status: 'cancelled',
      finalState: 'review',
      reason: 'cancelled: the user closed the run',
      finalPost: null,
    });
    expect(eventTypes(events).slice(-2)).toEqual(['approval.requested', 'run.finished cancelled']);
  });

  it('does not start a run whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort('too late');
    const { outcome, tasks } = await runHarness({ script, signal: controller.signal });
    expect(outcome).toMatchObject({
      status: 'cancelled',
      finalState: 'start',
      visitedStates: ['start'],
    });
    expect(tasks).toEqual([]);
  });
});
