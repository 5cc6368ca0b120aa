import { DEFAULT_VOICE_PROFILE, LintFinding } from '@postmagiq/contracts';
import { AgentState, FanOutState, HumanApprovalState } from '../definition/workflow-definition';
import { createRunContext } from './run-context';
import {
  postToApprove,
  runQualityGate,
  settleAgentVisit,
  settleFanOutVisit,
} from './visit-decisions';

const agent = (name: string) =>
  ({ name, backend: 'simulated', persona: 'writer', sessionPersist: false }) as const;
const fanOut = (completion: FanOutState['completion']): FanOutState => ({
  type: 'fan-out',
  name: 'draft',
  agents: [agent('a'), agent('b'), agent('c')],
  completion,
  transitions: [],
});
const ok = (content: string) => ({ content, error: null });
const failed = (error: string) => ({ content: '', error });

describe('settleFanOutVisit', () => {
  it('waits while the completion rule can still go either way', () => {
    expect(settleFanOutVisit(fanOut({ kind: 'all' }), [ok('x'), undefined, undefined])).toEqual({
      status: 'pending',
    });
    expect(
      settleFanOutVisit(fanOut({ kind: 'quorum', n: 2 }), [failed('boom'), ok('y'), undefined]),
    ).toEqual({ status: 'pending' });
  });

  it('settles as soon as the rule is met, with the drafts in declaration order', () => {
    expect(
      settleFanOutVisit(fanOut({ kind: 'quorum', n: 2 }), [ok('first'), undefined, ok('third')]),
    ).toEqual({
      status: 'settled',
      result: { kind: 'fan-out', drafts: ['first', 'third'], completed: 2, failed: 0, total: 3 },
    });
    expect(settleFanOutVisit(fanOut({ kind: 'any' }), [failed('x'), ok('b'), undefined])).toEqual({
      status: 'settled',
      result: { kind: 'fan-out', drafts: ['b'], completed: 1, failed: 1, total: 3 },
    });
  });

  it('fails once the rule can no longer be met, naming every failed agent and its error', () => {
    expect(
      settleFanOutVisit(fanOut({ kind: 'all' }), [ok('x'), failed('rate limited'), undefined]),
    ).toEqual({
      status: 'failed',
      reason: "state 'draft': all_complete can no longer be met (b: rate limited)",
    });
    expect(
      settleFanOutVisit(fanOut({ kind: 'quorum', n: 2 }), [failed('e1'), undefined, failed('e3')]),
    ).toEqual({
      status: 'failed',
      reason: "state 'draft': {quorum: 2} can no longer be met (a: e1; c: e3)",
    });
  });
});

describe('settleAgentVisit', () => {
  const single: AgentState = {
    type: 'single',
    name: 'revise',
    agent: agent('reviser'),
    transitions: [],
  };
  const audit: AgentState = { ...single, name: 'audit', outputSchema: 'AuditResult' };

  it('waits for its call', () => {
    expect(settleAgentVisit(single, undefined)).toEqual({ status: 'pending' });
  });

  it('settles with the text, or with the structured answer its schema parses', () => {
    expect(settleAgentVisit(single, ok('a post'))).toEqual({
      status: 'settled',
      result: { kind: 'text', content: 'a post' },
    });
    const answer = { decision: 'proceed', score: 8, feedback: 'Good.', findings: [] };
    expect(settleAgentVisit(audit, ok(JSON.stringify(answer)))).toEqual({
      status: 'settled',
      result: {
        kind: 'structured',
        output: { schema: 'AuditResult', value: expect.objectContaining(answer) },
      },
    });
  });

  it('fails with the agent’s error, or when the answer does not fit the schema', () => {
    expect(settleAgentVisit(single, failed('timeout'))).toEqual({
      status: 'failed',
      reason: "state 'revise': agent 'reviser' failed: timeout",
    });
    const bad = settleAgentVisit(audit, ok('{"decision":"maybe"}'));
    expect(bad.status).toBe('failed');
    expect(bad).toMatchObject({
      reason: expect.stringMatching(
        /^state 'audit': agent 'reviser' returned an invalid AuditResult: the answer does not match AuditResult: decision: /,
      ),
    });
  });
});

describe('runQualityGate', () => {
  const finding: LintFinding = { rule: 'hashtags', severity: 'warning', message: 'too many' };
  const gates = { post_lint: (text: string) => (text.includes('#') ? [finding] : []) };
  const state: AgentState = {
    type: 'single',
    name: 'audit',
    agent: agent('auditor'),
    qualityGate: 'post_lint',
    transitions: [],
  };
  const input = { story: { title: 'T', body: 'B' }, voice: DEFAULT_VOICE_PROFILE };
  const context = { ...createRunContext(), drafts: ['plain', '#tagged'] };

  it('lints every draft the state received: findings in the context, one event per draft', () => {
    const outcome = runQualityGate(state, gates, context, input);
    expect(outcome).toEqual({
      ok: true,
      context: { ...context, findings: [[], [finding]] },
      events: [
        { type: 'gate.findings', state: 'audit', gate: 'post_lint', draft: 0, findings: [] },
        { type: 'gate.findings', state: 'audit', gate: 'post_lint', draft: 1, findings: [finding] },
      ],
    });
  });

  it('changes nothing for a state without a gate, and fails for a gate the run does not have', () => {
    const { qualityGate: _gate, ...ungated } = state;
    expect(runQualityGate(ungated, gates, context, input)).toEqual({
      ok: true,
      context,
      events: [],
    });
    expect(runQualityGate(state, {}, context, input)).toEqual({
      ok: false,
      reason: "state 'audit': quality gate 'post_lint' is not available to this run",
    });
  });
});

describe('postToApprove', () => {
  const review: HumanApprovalState = { type: 'human-approval', name: 'review', transitions: [] };

  it('asks about the current post: the final one, else the audit’s best draft, else the first', () => {
    const drafts = { ...createRunContext(), drafts: ['one', 'two'] };
    expect(postToApprove(review, drafts)).toEqual({ ok: true, post: 'one' });
    expect(postToApprove(review, { ...drafts, finalPost: 'final' })).toEqual({
      ok: true,
      post: 'final',
    });
  });

  it('fails when there is no post yet', () => {
    expect(postToApprove(review, createRunContext())).toEqual({
      ok: false,
      reason: "state 'review': there is no post to approve yet",
    });
  });
});
