import { AgentTaskSchema } from '@postmagiq/contracts';
import { DEFAULT_SHAPED_WORKFLOW, definitionOf } from '../testing/default-workflow';
import { BANNED, INPUT } from '../testing/run-harness';
import { AgentCallingState, buildAgentTask } from './build-agent-task';
import { createRunContext } from './run-context';

const definition = definitionOf(DEFAULT_SHAPED_WORKFLOW);
const state = (name: string) => definition.states[name] as AgentCallingState;
const context = {
  ...createRunContext(),
  drafts: ['a', 'b'],
  findings: [[], [BANNED]],
  feedback: 'Shorter.',
};

describe('buildAgentTask', () => {
  it('builds a task that satisfies the contract, with no session outside orchestrator tasks', () => {
    const audit = state('audit');
    if (audit.type !== 'single') throw new Error('audit is single');
    const task = buildAgentTask({
      runId: 'r9',
      state: audit,
      visit: 2,
      agent: audit.agent,
      input: INPUT,
      context,
    });
    expect(AgentTaskSchema.parse(task)).toEqual(task);
    expect(task).toMatchObject({
      runId: 'r9',
      state: 'audit',
      stateType: 'single',
      visit: 2,
      agent: { name: 'auditor' },
      drafts: ['a', 'b'],
      findings: [[], [BANNED]],
      audit: null,
      feedback: 'Shorter.',
      sessionKey: null,
    });
  });

  it('gives orchestrator-task agents the session key runId:state:agent', () => {
    const synthesize = state('synthesize');
    if (synthesize.type !== 'orchestrator-task')
      throw new Error('synthesize is an orchestrator task');
    const task = buildAgentTask({
      runId: 'r9',
      state: synthesize,
      visit: 3,
      agent: synthesize.agent,
      input: INPUT,
      context,
    });
    expect(task.sessionKey).toBe('r9:synthesize:synthesizer');
  });

  it('copies the drafts, so a later context change cannot alter a task already handed out', () => {
    const draft = state('draft');
    const agent = draft.type === 'fan-out' ? draft.agents[0] : undefined;
    if (draft.type !== 'fan-out' || !agent) throw new Error('draft is a fan-out with agents');
    const task = buildAgentTask({
      runId: 'r9',
      state: draft,
      visit: 1,
      agent,
      input: INPUT,
      context,
    });
    expect(task.drafts).not.toBe(context.drafts);
    expect(task.drafts).toEqual(context.drafts);
  });
});
