import { AgentTaskSchema } from './agent-task.schema';
import { AuditResultSchema } from './audit-result.schema';
import { RunEventSchema } from './run-event.schema';
import { DEFAULT_VOICE_PROFILE, VoiceProfileSchema } from './voice-profile.schema';

const task = {
  runId: 'run-1',
  state: 'draft',
  stateType: 'fan-out',
  visit: 1,
  agent: { name: 'writer', backend: 'claude', persona: 'writer' },
  input: { story: { title: 'T', body: 'B' }, voice: DEFAULT_VOICE_PROFILE },
  drafts: [],
  findings: [],
  audit: null,
  feedback: null,
  sessionKey: null,
};

describe('contracts', () => {
  it('fills the defaults of a minimal voice profile', () => {
    expect(VoiceProfileSchema.parse({ name: 'Dana' })).toEqual({
      name: 'Dana',
      tone: [],
      signaturePhrases: [],
      avoid: [],
      examples: [],
      styleRules: [],
    });
  });

  it('refuses unknown fields instead of dropping them silently', () => {
    const result = VoiceProfileSchema.safeParse({ name: 'Dana', signature_phrases: ['x'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['signature_phrases'],
    });
  });

  it('accepts an agent task as queues carry it, defaulting sessionPersist', () => {
    expect(AgentTaskSchema.parse(task).agent.sessionPersist).toBe(false);
  });

  it('names the field of an agent task with an unknown backend', () => {
    const result = AgentTaskSchema.safeParse({
      ...task,
      agent: { ...task.agent, backend: 'gpt9' },
    });
    expect(result.error?.issues[0]?.path).toEqual(['agent', 'backend']);
  });

  it('bounds audit scores to 0-10', () => {
    expect(
      AuditResultSchema.safeParse({ decision: 'proceed', score: 11, feedback: '' }).success,
    ).toBe(false);
    expect(
      AuditResultSchema.parse({ decision: 'retry', score: 4, feedback: 'x' }).findings,
    ).toEqual([]);
  });

  it('tells run events apart by type and rejects a malformed one', () => {
    const event = RunEventSchema.parse({
      type: 'transition',
      runId: 'r',
      seq: 3,
      at: '2026-11-26T10:00:00.000Z',
      from: 'audit',
      to: 'revise',
      condition: "result.decision == 'retry'",
    });
    expect(event.type === 'transition' && event.to).toBe('revise');
    expect(RunEventSchema.safeParse({ ...event, seq: 0 }).success).toBe(false);
    expect(RunEventSchema.safeParse({ ...event, type: 'state.exploded' }).success).toBe(false);
  });
});
