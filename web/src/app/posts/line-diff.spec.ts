import { diffLines } from './line-diff';

describe('diffLines (version diff)', () => {
  it('keeps common lines and marks what was removed and added', () => {
    expect(diffLines('hook\nbody\nend', 'new hook\nbody\nend\nPS')).toEqual([
      { kind: 'removed', text: 'hook' },
      { kind: 'added', text: 'new hook' },
      { kind: 'same', text: 'body' },
      { kind: 'same', text: 'end' },
      { kind: 'added', text: 'PS' },
    ]);
  });
});
