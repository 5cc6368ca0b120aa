import { parseWorkflow } from './parse-workflow';
import { DEFAULT_SHAPED_WORKFLOW, definitionOf } from '../testing/default-workflow';
import { yaml } from '../testing/diagnostics';

const always = { source: 'always', ast: { kind: 'fact', name: 'always' } };
const decision = (value: string) => ({
  kind: 'compare',
  op: '==',
  left: { kind: 'path', root: 'result', segments: ['decision'] },
  right: { kind: 'literal', value },
});

describe('parseWorkflow: normalisation', () => {
  it('normalises the default-shaped workflow into a typed definition', () => {
    const outcome = parseWorkflow(DEFAULT_SHAPED_WORKFLOW, {
      file: 'linkedin_post.yaml',
      personas: new Set(['writer', 'auditor', 'synthesizer']),
      qualityGates: new Set(['post_lint']),
    });
    expect(outcome).toEqual({
      ok: true,
      warnings: [],
      definition: {
        name: 'linkedin_post',
        initialState: 'start',
        limits: { stateVisits: 3, transitions: 20, runtimeMinutes: 30, costUsd: 5 },
        states: {
          start: {
            type: 'initial',
            name: 'start',
            transitions: [{ target: 'draft', condition: always }],
          },
          draft: {
            type: 'fan-out',
            name: 'draft',
            agents: [
              {
                name: 'writer_claude',
                backend: 'claude',
                persona: 'writer',
                sessionPersist: false,
              },
              {
                name: 'writer_gemini',
                backend: 'gemini',
                persona: 'writer',
                sessionPersist: false,
              },
              {
                name: 'writer_ollama',
                backend: 'ollama',
                persona: 'writer',
                model: 'llama3.2',
                sessionPersist: false,
              },
            ],
            completion: { kind: 'all' },
            transitions: [
              {
                target: 'audit',
                condition: { source: 'all_complete', ast: { kind: 'fact', name: 'all_complete' } },
              },
            ],
          },
          audit: {
            type: 'single',
            name: 'audit',
            agent: {
              name: 'auditor',
              backend: 'claude',
              persona: 'auditor',
              sessionPersist: false,
            },
            outputSchema: 'AuditResult',
            qualityGate: 'post_lint',
            transitions: [
              {
                target: 'revise',
                condition: { source: "result.decision == 'retry'", ast: decision('retry') },
              },
              {
                target: 'synthesize',
                condition: { source: "result.decision == 'proceed'", ast: decision('proceed') },
              },
              {
                target: 'halt',
                condition: { source: "result.decision == 'halt'", ast: decision('halt') },
              },
            ],
          },
          revise: {
            type: 'single',
            name: 'revise',
            agent: { name: 'reviser', backend: 'claude', persona: 'writer', sessionPersist: false },
            transitions: [{ target: 'audit', condition: always }],
          },
          synthesize: {
            type: 'orchestrator-task',
            name: 'synthesize',
            agent: {
              name: 'synthesizer',
              backend: 'claude',
              persona: 'synthesizer',
              sessionPersist: true,
            },
            transitions: [{ target: 'review', condition: always }],
          },
          review: {
            type: 'human-approval',
            name: 'review',
            transitions: [
              {
                target: 'complete',
                condition: {
                  source: "result.decision == 'approve' or result.decision == 'edit'",
                  ast: { kind: 'or', left: decision('approve'), right: decision('edit') },
                },
              },
              {
                target: 'revise',
                condition: { source: "result.decision == 'reject'", ast: decision('reject') },
              },
            ],
          },
          halt: { type: 'terminal', name: 'halt', outcome: 'halted' },
          complete: { type: 'terminal', name: 'complete', outcome: 'completed' },
        },
      },
    });
  });

  it('keeps states in document order', () => {
    expect(Object.keys(definitionOf(DEFAULT_SHAPED_WORKFLOW).states)).toEqual([
      'start',
      'draft',
      'audit',
      'revise',
      'synthesize',
      'review',
      'halt',
      'complete',
    ]);
  });

  it('applies defaults: no limits, all_complete, completed terminals, persisted orchestrator sessions', () => {
    const definition = definitionOf(
      yaml(
        'workflow:',
        '  name: defaults',
        '  initial_state: start',
        '  states:',
        '    start: { type: initial, transitions: [{ target: fan, condition: always }] }',
        '    fan:',
        '      type: fan-out',
        '      agents: [{ name: a, type: simulated, persona: writer }]',
        '      transitions: [{ target: boss, condition: { quorum: 1 } }]',
        '    boss:',
        '      type: orchestrator-task',
        '      agent: { name: b, type: simulated, persona: synthesizer }',
        '      transitions: [{ target: end, condition: true }]',
        '    end: { type: terminal }',
      ),
    );
    expect(definition.limits).toEqual({});
    expect(definition.states['fan']).toMatchObject({
      completion: { kind: 'all' },
      transitions: [
        { target: 'boss', condition: { source: '{quorum: 1}', ast: { kind: 'quorum', n: 1 } } },
      ],
    });
    expect(definition.states['boss']).toMatchObject({
      agent: { sessionPersist: true },
      transitions: [{ condition: { source: 'true', ast: { kind: 'literal', value: true } } }],
    });
    expect(definition.states['end']).toEqual({
      type: 'terminal',
      name: 'end',
      outcome: 'completed',
    });
  });

  it('reads any_complete and quorum completion rules', () => {
    const fanOut = (completion: string) =>
      definitionOf(
        yaml(
          'workflow:',
          '  name: rules',
          '  initial_state: start',
          '  states:',
          '    start: { type: initial, transitions: [{ target: fan, condition: always }] }',
          '    fan:',
          '      type: fan-out',
          `      completion: ${completion}`,
          '      agents: [{ name: a, type: simulated, persona: writer }, { name: b, type: simulated, persona: writer }]',
          '      transitions: [{ target: end, condition: any_complete }]',
          '    end: { type: terminal }',
        ),
      ).states['fan'];
    expect(fanOut('any_complete')).toMatchObject({ completion: { kind: 'any' } });
    expect(fanOut('{ quorum: 2 }')).toMatchObject({ completion: { kind: 'quorum', n: 2 } });
  });

  it('follows YAML anchors and aliases', () => {
    const definition = definitionOf(
      yaml(
        'workflow:',
        '  name: anchors',
        '  initial_state: start',
        '  states:',
        '    start: { type: initial, transitions: [{ target: ask, condition: &yes always }] }',
        '    ask: { type: human-approval, transitions: [{ target: end, condition: *yes }] }',
        '    end: { type: terminal }',
      ),
    );
    expect(definition.states['ask']).toMatchObject({
      transitions: [{ target: 'end', condition: { source: 'always' } }],
    });
  });
});
