import { RunEventSchema } from '@postmagiq/contracts';
import { auditJson, FAKE_USAGE } from '../testing/fake-invoker';
import { BANNED, eventTypes, INPUT, RUN_ID, runHarness } from '../testing/run-harness';

describe('runWorkflow: the default-shaped workflow, retry then proceed, approved', () => {
  const script = {
    writer_claude: 'Draft A: we ship on Fridays.',
    writer_gemini: 'Draft B: synergy of deploys.',
    writer_ollama: 'Draft C: rollbacks in a minute.',
    // The second audit comes wrapped in a Markdown fence, as models like to do.
    auditor: [
      auditJson('retry', { score: 5, feedback: 'Lead with the rollback number.', bestDraft: 2 }),
      `Here you go:\n\`\`\`json\n${auditJson('proceed', { score: 8 })}\n\`\`\``,
    ],
    reviser: 'Rollbacks take one minute, so we ship on Fridays.',
    synthesizer: 'Final: one-minute rollbacks made Friday deploys boring.',
  };

  it('visits the states in order and completes with the synthesised post', async () => {
    const { outcome } = await runHarness({ script });
    expect(outcome).toMatchObject({
      status: 'completed',
      finalState: 'complete',
      reason: null,
      finalPost: 'Final: one-minute rollbacks made Friday deploys boring.',
      visitedStates: [
        'start',
        'draft',
        'audit',
        'revise',
        'audit',
        'synthesize',
        'review',
        'complete',
      ],
    });
  });

  it('emits the events in order, stamped with the run id and a contiguous seq, run.finished last', async () => {
    const { events } = await runHarness({ script });
    expect(eventTypes(events)).toEqual([
      'run.started',
      'state.entered start#1',
      'transition start->draft',
      'state.entered draft#1',
      'agent.started writer_claude',
      'agent.started writer_gemini',
      'agent.started writer_ollama',
      'agent.finished writer_claude',
      'agent.finished writer_gemini',
      'agent.finished writer_ollama',
      'transition draft->audit',
      'state.entered audit#1',
      'gate.findings post_lint[0]',
      'gate.findings post_lint[1]',
      'gate.findings post_lint[2]',
      'agent.started auditor',
      'agent.finished auditor',
      'transition audit->revise',
      'state.entered revise#1',
      'agent.started reviser',
      'agent.finished reviser',
      'transition revise->audit',
      'state.entered audit#2',
      'gate.findings post_lint[0]',
      'agent.started auditor',
      'agent.finished auditor',
      'transition audit->synthesize',
      'state.entered synthesize#1',
      'agent.started synthesizer',
      'agent.finished synthesizer',
      'transition synthesize->review',
      'state.entered review#1',
      'approval.requested',
      'transition review->complete',
      'state.entered complete#1',
      'run.finished completed',
    ]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    for (const event of events) expect(RunEventSchema.parse(event)).toEqual(event);
    expect(new Set(events.map((event) => event.runId))).toEqual(new Set([RUN_ID]));
    expect(events.at(-1)).toMatchObject({
      type: 'run.finished',
      status: 'completed',
      finalState: 'complete',
      finalPost: 'Final: one-minute rollbacks made Friday deploys boring.',
    });
  });

  it('streams the tokens of every agent', async () => {
    const { events } = await runHarness({ script });
    const tokens = events.filter((event) => event.type === 'agent.token');
    const text = (agent: string) =>
      tokens
        .filter((event) => event.type === 'agent.token' && event.agent === agent)
        .map((event) => (event.type === 'agent.token' ? event.text : ''))
        .join('');
    expect(text('writer_ollama')).toBe('Draft C: rollbacks in a minute.');
    expect(text('synthesizer')).toBe('Final: one-minute rollbacks made Friday deploys boring.');
  });

  it('numbers the tokens of a stream the backend started over, so a reader keeps the last attempt', async () => {
    const final = 'Draft C: rollbacks in a minute.';
    const { events } = await runHarness({
      script: { ...script, writer_ollama: { content: final, brokenFirst: 'Draft C: rollb' } },
    });
    const tokens = events.flatMap((event) =>
      event.type === 'agent.token' && event.agent === 'writer_ollama' ? [event] : [],
    );
    expect(tokens.map((t) => t.attempt)).toEqual([undefined, 2, 2]);
    // the client rule: when a call's attempt rises, the text held for it is void
    let attempt = 1;
    let text = '';
    for (const t of tokens) {
      if ((t.attempt ?? 1) > attempt) [attempt, text] = [t.attempt ?? 1, ''];
      text += t.text;
    }
    expect(text).toBe(final);
    for (const event of tokens) expect(RunEventSchema.parse(event)).toEqual(event);
  });

  it('sums the usage of all seven calls and records each call', async () => {
    const { outcome } = await runHarness({ script });
    expect(outcome.agents.map((call) => `${call.state}/${call.agent}#${call.visit}`)).toEqual([
      'draft/writer_claude#1',
      'draft/writer_gemini#1',
      'draft/writer_ollama#1',
      'audit/auditor#1',
      'revise/reviser#1',
      'audit/auditor#2',
      'synthesize/synthesizer#1',
    ]);
    expect(outcome.agents[2]).toEqual({
      state: 'draft',
      visit: 1,
      agent: 'writer_ollama',
      backend: 'ollama',
      model: 'llama3.2',
      ...FAKE_USAGE,
      durationMs: 5,
      simulated: false,
      error: null,
    });
    expect(outcome.usage).toEqual({
      tokensIn: 700,
      tokensOut: 350,
      cachedTokensIn: 70,
      costUsd: 0.07,
    });
  });

  it('hands each agent the drafts, findings, audit and session it needs', async () => {
    const { tasks } = await runHarness({ script });
    const [writer, , , firstAudit, revise, secondAudit, synthesize] = tasks;
    expect(writer).toMatchObject({
      runId: RUN_ID,
      state: 'draft',
      stateType: 'fan-out',
      visit: 1,
      input: INPUT,
      drafts: [],
      findings: [],
      audit: null,
      sessionKey: null,
    });
    expect(firstAudit).toMatchObject({
      state: 'audit',
      stateType: 'single',
      drafts: [
        'Draft A: we ship on Fridays.',
        'Draft B: synergy of deploys.',
        'Draft C: rollbacks in a minute.',
      ],
      findings: [[], [BANNED], []],
      audit: null,
      sessionKey: null,
    });
    expect(revise).toMatchObject({
      state: 'revise',
      drafts: [
        'Draft A: we ship on Fridays.',
        'Draft B: synergy of deploys.',
        'Draft C: rollbacks in a minute.',
      ],
      audit: { decision: 'retry', feedback: 'Lead with the rollback number.', bestDraft: 2 },
    });
    expect(secondAudit).toMatchObject({
      visit: 2,
      drafts: ['Rollbacks take one minute, so we ship on Fridays.'],
      findings: [[]],
    });
    expect(synthesize).toMatchObject({
      stateType: 'orchestrator-task',
      audit: { decision: 'proceed', score: 8 },
      sessionKey: `${RUN_ID}:synthesize:synthesizer`,
    });
  });

  it('reports gate findings per draft the state received', async () => {
    const { events } = await runHarness({ script });
    const findings = events.filter((event) => event.type === 'gate.findings').slice(0, 3);
    expect(
      findings.map((event) =>
        event.type === 'gate.findings' ? [event.state, event.draft, event.findings] : null,
      ),
    ).toEqual([
      ['audit', 0, []],
      ['audit', 1, [BANNED]],
      ['audit', 2, []],
    ]);
  });

  it('asks the reviewer about the synthesised post', async () => {
    const { approvalRequests, events } = await runHarness({ script });
    const post = 'Final: one-minute rollbacks made Friday deploys boring.';
    expect(approvalRequests).toEqual([{ runId: RUN_ID, state: 'review', post }]);
    expect(events.find((event) => event.type === 'approval.requested')).toMatchObject({
      state: 'review',
      post,
    });
  });
});
