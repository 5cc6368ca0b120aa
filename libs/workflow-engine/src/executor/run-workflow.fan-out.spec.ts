import { variantOf } from '../testing/default-workflow';
import { auditJson, latch } from '../testing/fake-invoker';
import { runHarness } from '../testing/run-harness';

const completion = (rule: string, condition: string) =>
  variantOf([
    ['      type: fan-out\n', `      type: fan-out\n      completion: ${rule}\n`],
    [
      '        - { target: audit, condition: all_complete }',
      `        - { target: audit, condition: ${condition} }`,
    ],
  ]);

describe('runWorkflow: fan-out completion rules', () => {
  it('moves on with any_complete as soon as one writer succeeds, and still accounts for the others', async () => {
    const held = latch();
    const { outcome, tasks } = await runHarness({
      definition: completion('any_complete', 'any_complete'),
      script: {
        writer_claude: 'The fast draft.',
        writer_gemini: { content: 'Slow draft.', wait: held.promise },
        writer_ollama: { content: 'Slower draft.', wait: held.promise },
        // The stragglers are released only once the auditor runs: proof the state did not wait.
        auditor: (task) => {
          held.release();
          return task.drafts.length === 1
            ? auditJson('proceed')
            : auditJson('halt', { feedback: 'waited' });
        },
      },
    });
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(tasks.find((task) => task.agent.name === 'auditor')?.drafts).toEqual([
      'The fast draft.',
    ]);
    expect(outcome.agents.map((call) => call.agent).sort()).toEqual(
      ['auditor', 'synthesizer', 'writer_claude', 'writer_gemini', 'writer_ollama'].sort(),
    );
    expect(outcome.usage.costUsd).toBe(0.05);
  });

  it('moves on with a quorum once enough writers succeed, ignoring a failed one', async () => {
    const { outcome, tasks } = await runHarness({
      definition: completion('{ quorum: 2 }', '{ quorum: 2 }'),
      script: {
        writer_claude: { error: 'overloaded' },
        writer_gemini: 'Gemini draft.',
        writer_ollama: 'Ollama draft.',
        auditor: auditJson('proceed'),
      },
    });
    expect(outcome.status).toBe('completed');
    expect(tasks.find((task) => task.agent.name === 'auditor')?.drafts).toEqual([
      'Gemini draft.',
      'Ollama draft.',
    ]);
    expect(outcome.agents.find((call) => call.agent === 'writer_claude')?.error).toBe('overloaded');
  });

  it('fails the state when the quorum can no longer be met', async () => {
    const { outcome } = await runHarness({
      definition: completion('{ quorum: 2 }', '{ quorum: 2 }'),
      script: {
        writer_claude: { error: 'overloaded' },
        writer_gemini: { error: 'quota exceeded' },
      },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      finalState: 'draft',
      reason:
        "state 'draft': {quorum: 2} can no longer be met (writer_claude: overloaded; writer_gemini: quota exceeded)",
    });
  });

  it('fails an all_complete fan-out as soon as one writer fails', async () => {
    const { outcome, tasks } = await runHarness({
      script: { writer_gemini: { error: 'rate limited' } },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      finalState: 'draft',
      reason: "state 'draft': all_complete can no longer be met (writer_gemini: rate limited)",
      visitedStates: ['start', 'draft'],
    });
    expect(tasks.map((task) => task.agent.name)).toEqual([
      'writer_claude',
      'writer_gemini',
      'writer_ollama',
    ]);
  });

  it('treats an invoker that throws as a failed call', async () => {
    const { outcome } = await runHarness({
      script: { writer_ollama: { throws: 'connection refused' } },
    });
    expect(outcome.reason).toBe(
      "state 'draft': all_complete can no longer be met (writer_ollama: connection refused)",
    );
    expect(outcome.agents.find((call) => call.agent === 'writer_ollama')).toMatchObject({
      error: 'connection refused',
      costUsd: 0,
      model: 'llama3.2',
    });
  });
});
