import { AuditResult } from '@postmagiq/contracts';
import { BANNED } from '../testing/run-harness';
import { applyGateFindings, applyStateResult } from './apply-state-result';
import { currentPost } from './current-post';
import { createRunContext, RunContext } from './run-context';

const audit: AuditResult = {
  decision: 'retry',
  score: 5,
  feedback: 'Tighter.',
  bestDraft: 1,
  findings: [],
};

function withDrafts(drafts: string[], over: Partial<RunContext> = {}): RunContext {
  return { ...createRunContext(), drafts, ...over };
}

describe('applyStateResult', () => {
  it('makes fan-out outputs the new drafts and forgets findings and the old candidate post', () => {
    const before = withDrafts(['old'], { findings: [[BANNED]], finalPost: 'old post' });
    const after = applyStateResult(before, 'draft', {
      kind: 'fan-out',
      drafts: ['a', 'b'],
      completed: 2,
      failed: 1,
      total: 3,
    });
    expect(after).toMatchObject({
      drafts: ['a', 'b'],
      findings: [],
      finalPost: null,
      outputs: { draft: { completed: 2, failed: 1 } },
    });
  });

  it('makes a text output the only draft and the candidate post', () => {
    const after = applyStateResult(withDrafts(['a', 'b']), 'synthesize', {
      kind: 'text',
      content: 'post',
    });
    expect(after).toMatchObject({
      drafts: ['post'],
      finalPost: 'post',
      outputs: { synthesize: { content: 'post' } },
    });
  });

  it('remembers an audit without touching the drafts', () => {
    const after = applyStateResult(withDrafts(['a', 'b']), 'audit', {
      kind: 'structured',
      output: { schema: 'AuditResult', value: audit },
    });
    expect(after).toMatchObject({ drafts: ['a', 'b'], audit, outputs: { audit } });
  });

  it('applies each reviewer decision', () => {
    const before = withDrafts(['draft'], { finalPost: 'candidate' });
    expect(
      applyStateResult(before, 'review', {
        kind: 'approval',
        response: { decision: 'approve' },
        post: 'candidate',
      }),
    ).toMatchObject({
      finalPost: 'candidate',
      feedback: null,
    });
    expect(
      applyStateResult(before, 'review', {
        kind: 'approval',
        response: { decision: 'reject', feedback: 'More numbers.' },
        post: 'candidate',
      }),
    ).toMatchObject({
      feedback: 'More numbers.',
      finalPost: 'candidate',
      outputs: { review: { decision: 'reject', feedback: 'More numbers.' } },
    });
    expect(
      applyStateResult(before, 'review', {
        kind: 'approval',
        response: { decision: 'edit', text: 'Edited.' },
        post: 'candidate',
      }),
    ).toMatchObject({
      finalPost: 'Edited.',
      drafts: ['Edited.'],
    });
  });

  it('leaves the context as it was for a state without output', () => {
    const before = withDrafts(['a']);
    expect(applyStateResult(before, 'start', { kind: 'none' })).toEqual(before);
  });

  it('does not mutate the context it is given', () => {
    const before = Object.freeze(withDrafts(['a']));
    expect(() => applyStateResult(before, 'x', { kind: 'text', content: 'b' })).not.toThrow();
    expect(before.drafts).toEqual(['a']);
  });

  it('stores gate findings per draft', () => {
    expect(applyGateFindings(withDrafts(['a', 'b']), [[], [BANNED]]).findings).toEqual([
      [],
      [BANNED],
    ]);
  });
});

describe('currentPost', () => {
  it('prefers the candidate post, then the best draft of the latest audit, then the first draft', () => {
    expect(currentPost(withDrafts(['a', 'b'], { finalPost: 'final', audit }))).toBe('final');
    expect(currentPost(withDrafts(['a', 'b'], { audit }))).toBe('b');
    expect(currentPost(withDrafts(['a'], { audit }))).toBe('a');
    expect(currentPost(withDrafts([]))).toBeNull();
  });
});
