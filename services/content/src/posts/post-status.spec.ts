import {
  EDITABLE_POST_STATUSES,
  POST_TRANSITIONS,
  PostStatus,
  PostStatusSchema,
} from '@postmagiq/contracts';

/** The post lifecycle as a graph: what the transition route enforces. */
describe('post status moves', () => {
  const statuses = PostStatusSchema.options;
  const reachable = (from: PostStatus): Set<PostStatus> => {
    const seen = new Set<PostStatus>([from]);
    const queue = [from];
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      for (const next of POST_TRANSITIONS[s]) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return seen;
  };

  it('leads from draft to every status, forward through review and approval', () => {
    expect([...reachable('draft')].sort()).toEqual([...statuses].sort());
    expect(POST_TRANSITIONS.draft).not.toContain('published');
    expect(POST_TRANSITIONS.draft).not.toContain('approved');
    expect(POST_TRANSITIONS.in_review).not.toContain('published');
  });

  it('never goes back from published, and archived is final', () => {
    expect(reachable('published')).toEqual(new Set(['published', 'archived']));
    expect(POST_TRANSITIONS.archived).toEqual([]);
  });

  it('has no self-moves, and only draft and in-review text is editable', () => {
    for (const s of statuses) expect(POST_TRANSITIONS[s]).not.toContain(s);
    expect(EDITABLE_POST_STATUSES).toEqual(['draft', 'in_review']);
  });
});
