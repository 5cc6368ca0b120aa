import { createRunEventStamper } from './run-event-stamper';

describe('createRunEventStamper', () => {
  it('stamps run id, contiguous seq from 1 and ISO time', () => {
    const stamper = createRunEventStamper('r1', () => Date.UTC(2025, 0, 1));
    expect(stamper.stamp({ type: 'run.started', workflow: 'w', initialState: 'start' })).toEqual({
      type: 'run.started',
      workflow: 'w',
      initialState: 'start',
      runId: 'r1',
      seq: 1,
      at: '2025-01-01T00:00:00.000Z',
    });
    expect(stamper.stamp({ type: 'approval.requested', state: 'review', post: 'p' }).seq).toBe(2);
    expect(stamper.nextSeq).toBe(3);
  });

  it('continues from a given seq, for a resumed run', () => {
    expect(
      createRunEventStamper('r1', Date.now, 41).stamp({
        type: 'approval.requested',
        state: 's',
        post: 'p',
      }).seq,
    ).toBe(41);
  });
});
