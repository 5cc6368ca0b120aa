import { AgentJob, AgentTask, RunSummary } from '@postmagiq/contracts';
import { waitFor, type TestCaller } from '@postmagiq/platform/testing';
import { renderTaskMaterial } from '@postmagiq/prompts';
import { openStream } from '../testing/ws-client';
import { useOrchestrationStack } from '../testing/orchestration-stack';

jest.setTimeout(180_000);

describe('the run stream (two replicas, real Redis, NATS, embedded Postgres, the simulated agent worker)', () => {
  const fx = useOrchestrationStack();
  const { A, B, ip, startRun, detail, waitStatus, allEvents, agentQueue, expectContiguous } = fx;
  let owner: TestCaller;
  let editor: TestCaller;
  let story: string;
  beforeAll(() => {
    ({ owner, editor, story } = fx);
  });

  it('a rejection with feedback loops back to the synthesizer, streaming its tokens live; an edit completes with the reviewer’s text', async () => {
    const run = await startRun(editor, { workflow: 'linkedin_post', storyEntryId: story }, B());
    const waiting = await waitStatus(run.id, ['awaiting_approval']);
    expect(waiting.approval?.state).toBe('review');
    const stream = await openStream(A().url, run.id, editor.token, waiting.lastEventSeq, 'message');
    await waitFor(() => stream.messages.find((m) => m.type === 'ready'), 10_000, 'ready');

    const feedback = 'Shorter, and end with a question for the reader.';
    const rejected = await B().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/reject`, {
      token: editor.token,
      body: { feedback },
      ip: ip(),
    });
    expect(rejected.status).toBe(200);
    await stream.waitForEvent((e) => e.type === 'approval.requested');
    const events = stream.events();
    expect(events[0]?.seq).toBe(waiting.lastEventSeq + 1);
    expect(events.map((e) => e.type)).toEqual([
      'transition',
      'state.entered',
      'agent.started',
      'agent.finished',
      'transition',
      'state.entered',
      'approval.requested',
    ]);
    expect(events[0]).toMatchObject({ from: 'review', to: 'synthesize' });
    expect(events[1]).toMatchObject({ state: 'synthesize', visit: 2 });
    // the feedback is in the second synthesizer call's task, as the worker got it off its queue,
    // and so in the prompt's per-call material; the first call had none
    const synthesizeCalls = (await detail(run.id)).agentCalls.filter(
      (c) => c.state === 'synthesize',
    );
    expect(synthesizeCalls.map((c) => c.backend)).toEqual(['simulated', 'simulated']);
    const simulated = agentQueue('simulated');
    try {
      const tasks = await Promise.all(
        synthesizeCalls.map(async (c) => (await simulated.getJob(c.callId))?.data as AgentJob),
      );
      expect(tasks.map((j) => j.task.feedback)).toEqual([null, feedback]);
      expect(renderTaskMaterial(tasks[1]?.task as AgentTask)).toContain(
        `## Reviewer feedback (takes priority)\n${feedback}`,
      );
    } finally {
      await simulated.close();
    }
    // tokens are live-only, outside the seq space, in order per call; workers may batch the tokens
    // of one event-loop turn into one chunk, so what counts is that the chunks add up to the post
    const tokens = stream.messages.flatMap((m) => (m.type === 'agent.token' ? [m.chunk] : []));
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens.map((t) => t.agent))).toEqual(new Set(['synthesizer']));
    expect(tokens.map((t) => t.index)).toEqual(tokens.map((_, i) => i));
    const approval = events.find((e) => e.type === 'approval.requested');
    expect(tokens.map((t) => t.text).join('')).toBe(
      approval?.type === 'approval.requested' ? approval.post : null,
    );

    // a decision is taken once per visit
    const edited = await A().api<RunSummary>('POST', `/api/workflows/runs/${run.id}/edit`, {
      token: owner.token,
      body: { text: 'My own words, final.' },
      ip: ip(),
    });
    expect(edited.body.status).toBe('completed');
    const again = await A().api<{ type: string }>('POST', `/api/workflows/runs/${run.id}/approve`, {
      token: owner.token,
      ip: ip(),
    });
    expect(again.status).toBe(409);
    expect(
      (await stream.waitForEvent((e) => e.type === 'run.finished')).type === 'run.finished',
    ).toBe(true);
    await stream.close();
    const d = await detail(run.id);
    expect(d.finalPost).toBe('My own words, final.');
    expect(d.visits.map((v) => v.state)).toEqual([
      'start',
      'draft',
      'audit',
      'revise',
      'audit',
      'synthesize',
      'review',
      'synthesize',
      'review',
      'complete',
    ]);
  });

  it('a client that reconnects with its last seq misses nothing and gets nothing twice', async () => {
    const run = await startRun(owner, { workflow: 'linkedin_post', storyEntryId: story });
    const first = await openStream(A().url, run.id, owner.token, 0, 'message');
    await waitFor(() => first.events().length >= 4, 30_000, 'the first events');
    await first.close();
    const seen = first.events();
    const lastSeq = seen.at(-1)?.seq ?? 0;
    const second = await openStream(B().url, run.id, owner.token, lastSeq, 'protocol');
    await second.waitForEvent((e) => e.type === 'approval.requested', 90_000);
    await A().api('POST', `/api/workflows/runs/${run.id}/approve`, {
      token: owner.token,
      ip: ip(),
    });
    await second.waitForEvent((e) => e.type === 'run.finished');
    await second.close();
    const merged = [...seen, ...second.events()];
    expect(second.events()[0]?.seq).toBe(lastSeq + 1);
    expectContiguous(merged);
    expect(merged).toEqual(await allEvents(run.id));
  });
});
