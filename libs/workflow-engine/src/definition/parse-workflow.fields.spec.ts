import { colOf, diagnose, FILE, yaml } from '../testing/diagnostics';

/** A minimal valid workflow; tests replace one line at a time. */
const MINI = [
  'workflow:', //                                                        1
  '  name: mini', //                                                     2
  '  initial_state: start', //                                           3
  '  states:', //                                                       4
  '    start:', //                                                      5
  '      type: initial', //                                             6
  '      transitions:', //                                              7
  '        - { target: write, condition: always }', //                  8
  '    write:', //                                                      9
  '      type: single', //                                              10
  '      agent: { name: writer, type: simulated, persona: writer }', // 11
  '      transitions:', //                                              12
  '        - { target: done, condition: always }', //                   13
  '    done:', //                                                       14
  '      type: terminal', //                                            15
];

function mini(replacements: Record<number, string | string[]>): string {
  const lines = MINI.flatMap((line, i) => {
    const replacement = replacements[i + 1];
    if (replacement === undefined) return [line];
    return Array.isArray(replacement) ? replacement : [replacement];
  });
  return yaml(...lines);
}

describe('parseWorkflow: field-level validation', () => {
  it('accepts the minimal workflow', () => {
    expect(diagnose(mini({}))).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('reports a YAML syntax error at its position', () => {
    expect(diagnose(mini({ 8: '        - { target: write, condition: always' })).errors).toEqual([
      `${FILE}:9:5: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
  });

  it('reports an empty document', () => {
    expect(diagnose('# nothing here\n').errors).toEqual([
      `${FILE}:1:1: the document is empty: expected a 'workflow' mapping`,
    ]);
  });

  describe('unknown fields, at every level', () => {
    it('at the top level', () => {
      expect(diagnose(`${mini({})}version: 2\n`).errors).toEqual([
        `${FILE}:16:1: document: unknown field 'version' (allowed: workflow)`,
      ]);
    });

    it('in the workflow', () => {
      expect(diagnose(mini({ 2: ['  name: mini', '  colour: blue'] })).errors).toEqual([
        `${FILE}:3:3: workflow: unknown field 'colour' (allowed: name, initial_state, limits, states)`,
      ]);
    });

    it('in a state, naming what its type allows', () => {
      expect(diagnose(mini({ 10: ['      type: single', '      agents: []'] })).errors).toEqual([
        `${FILE}:11:7: state 'write': unknown field 'agents' in a single state (allowed: type, agent, output_schema, quality_gate, transitions)`,
      ]);
    });

    it('in an agent', () => {
      const line =
        '      agent: { name: writer, type: simulated, persona: writer, temperature: 1 }';
      expect(diagnose(mini({ 11: line })).errors).toEqual([
        `${FILE}:11:${colOf(line, 'temperature')}: agent 'writer' in state 'write': unknown field 'temperature' (allowed: name, type, persona, model, session_persist)`,
      ]);
    });

    it('in a transition', () => {
      const line = '        - { target: done, condition: always, weight: 2 }';
      expect(diagnose(mini({ 13: line })).errors).toEqual([
        `${FILE}:13:${colOf(line, 'weight')}: transition 1 of state 'write': unknown field 'weight' (allowed: target, condition)`,
      ]);
    });

    it('in limits', () => {
      const line = '  limits: { tokens: 100 }';
      expect(diagnose(mini({ 2: ['  name: mini', line] })).errors).toEqual([
        `${FILE}:3:${colOf(line, 'tokens')}: limits: unknown field 'tokens' (allowed: state_visits, transitions, runtime_minutes, cost_usd)`,
      ]);
    });
  });

  describe('missing required fields', () => {
    it('the workflow name', () => {
      expect(diagnose(mini({ 2: [] })).errors).toEqual([
        `${FILE}:1:1: workflow: missing required field 'name'`,
      ]);
    });

    it("a state's type, at the state", () => {
      expect(diagnose(mini({ 15: '      outcome: completed' })).errors).toEqual([
        `${FILE}:14:5: state 'done': missing required field 'type'`,
      ]);
    });

    it("an agent's persona, at the agent", () => {
      const line = '      agent: { name: writer, type: simulated }';
      expect(diagnose(mini({ 11: line })).errors).toEqual([
        `${FILE}:11:${colOf(line, '{')}: agent 'writer' in state 'write': missing required field 'persona'`,
      ]);
    });

    it("a transition's condition, at the transition", () => {
      const line = '        - { target: done }';
      expect(diagnose(mini({ 13: line })).errors).toEqual([
        `${FILE}:13:${colOf(line, '{')}: transition 1 of state 'write': missing required field 'condition'`,
      ]);
    });
  });

  it('reports an unknown state type at the type', () => {
    expect(diagnose(mini({ 10: '      type: solo' })).errors).toEqual([
      `${FILE}:10:13: state 'write': unknown state type 'solo' (expected one of initial, fan-out, single, orchestrator-task, human-approval, terminal)`,
    ]);
  });

  it('reports an unknown agent backend at the type', () => {
    const line = '      agent: { name: writer, type: gpt5, persona: writer }';
    expect(diagnose(mini({ 11: line })).errors).toEqual([
      `${FILE}:11:${colOf(line, 'gpt5')}: agent 'writer' in state 'write': unknown agent type 'gpt5' (expected one of claude, gemini, openai, ollama, simulated)`,
    ]);
  });

  it('reports a transition to an unknown state at the target', () => {
    const line = `        - { target: dnoe, condition: "result.content == ''" }`;
    expect(
      diagnose(mini({ 13: [line, '        - { target: done, condition: always }'] })).errors,
    ).toEqual([
      `${FILE}:13:${colOf(line, 'dnoe')}: state 'write': transition to unknown state 'dnoe'`,
    ]);
  });

  describe('bad conditions, at the column inside the expression', () => {
    it('in a plain scalar', () => {
      const line = '        - { target: done, condition: result.x = 1 }';
      expect(diagnose(mini({ 13: line })).errors).toEqual([
        `${FILE}:13:${colOf(line, '= 1')}: state 'write': invalid condition: '=' is not an operator; use '==' to compare`,
      ]);
    });

    it('in a double-quoted scalar', () => {
      const line = `        - { target: done, condition: "result.decision == 'ok' and process.exit()" }`;
      expect(diagnose(mini({ 13: line })).errors).toEqual([
        `${FILE}:13:${colOf(line, 'process')}: state 'write': invalid condition: unknown identifier 'process' (expected result, context, always, all_complete or any_complete)`,
      ]);
    });

    it("in a single-quoted scalar with '' escapes before the problem", () => {
      const line = `        - { target: done, condition: 'result.note == ''it''''s'' and result[0]' }`;
      expect(diagnose(mini({ 13: line })).errors).toEqual([
        `${FILE}:13:${colOf(line, '[')}: state 'write': invalid condition: '[' is not supported: index with a field path such as result.decision`,
      ]);
    });

    it('in a folded block scalar, at its indicator', () => {
      const lines = [
        '        - target: done',
        '          condition: >-',
        '            always or',
        '            constructor()',
      ];
      expect(diagnose(mini({ 13: lines })).errors).toEqual([
        `${FILE}:14:${colOf(lines[1] ?? '', '>-')}: state 'write': invalid condition: unknown identifier 'constructor' (expected result, context, always, all_complete or any_complete)`,
      ]);
    });

    it('naming a state context.visits does not know', () => {
      const line = '        - { target: done, condition: context.visits.wirte < 2 }';
      expect(diagnose(mini({ 13: line })).errors).toEqual([
        `${FILE}:13:${colOf(line, 'wirte')}: state 'write': invalid condition: context.visits.wirte names no state of this workflow`,
      ]);
    });
  });

  describe('duplicates', () => {
    it('a duplicate state name, at the second definition', () => {
      expect(
        diagnose(mini({ 15: ['      type: terminal', '    done:', '      type: terminal'] }))
          .errors,
      ).toEqual([`${FILE}:16:5: workflow: duplicate state 'done' (first defined on line 14)`]);
    });

    it('a duplicate field in a state', () => {
      expect(
        diagnose(mini({ 15: ['      type: terminal', '      type: terminal'] })).errors,
      ).toEqual([`${FILE}:16:7: state 'done': duplicate field 'type' (first given on line 15)`]);
    });

    it('a duplicate agent name anywhere in the workflow', () => {
      const fanOut = [
        '    write:',
        '      type: fan-out',
        '      agents:',
        '        - { name: writer, type: simulated, persona: writer }',
        '        - { name: writer, type: claude, persona: writer }',
        '      transitions:',
        '        - { target: polish, condition: all_complete }',
        '    polish:',
        '      type: single',
        '      agent: { name: writer, type: claude, persona: writer }',
      ];
      expect(
        diagnose(mini({ 9: fanOut.slice(0, 3), 10: fanOut.slice(3, 5), 11: fanOut.slice(5) }))
          .errors,
      ).toEqual([
        `${FILE}:13:19: agent 'writer' in state 'write': duplicate agent name (already used in state 'write')`,
        `${FILE}:18:22: agent 'writer' in state 'polish': duplicate agent name (already used in state 'write')`,
      ]);
    });
  });

  it('reports a persona without a template when the templates are known', () => {
    const line = '      agent: { name: writer, type: simulated, persona: writter }';
    expect(
      diagnose(mini({ 11: line }), { personas: new Set(['writer', 'auditor']) }).errors,
    ).toEqual([
      `${FILE}:11:${colOf(line, 'writter')}: agent 'writer' in state 'write': persona 'writter' has no template (known: auditor, writer)`,
    ]);
    expect(diagnose(mini({ 11: line })).ok).toBe(true);
  });

  it('reports limits above the hard ceiling, and malformed limits', () => {
    const line = '  limits: { state_visits: 7, transitions: 50, runtime_minutes: 61, cost_usd: 0 }';
    expect(diagnose(mini({ 2: ['  name: mini', line] })).errors).toEqual([
      `${FILE}:3:${colOf(line, '7')}: limits: state_visits 7 exceeds the hard ceiling of 6`,
      `${FILE}:3:${colOf(line, '61')}: limits: runtime_minutes 61 exceeds the hard ceiling of 60`,
      `${FILE}:3:${colOf(line, '0 }')}: limits: 'cost_usd' must be a positive number`,
    ]);
  });

  describe('fan-out states', () => {
    const fanOut = (completion: string, agents: string[], condition = 'all_complete'): string =>
      mini({
        10: ['      type: fan-out', `      completion: ${completion}`],
        11: ['      agents:', ...agents],
        13: `        - { target: done, condition: ${condition} }`,
      });
    const two = [
      '        - { name: a, type: simulated, persona: writer }',
      '        - { name: b, type: simulated, persona: writer }',
    ];

    it('reports a quorum larger than the number of agents', () => {
      expect(diagnose(fanOut('{ quorum: 3 }', two)).errors).toEqual([
        `${FILE}:11:${colOf('      completion: { quorum: 3 }', '3')}: state 'write': quorum 3 exceeds the 2 agents of the state`,
      ]);
    });

    it('reports a quorum condition larger than the number of agents', () => {
      const line = '        - { target: done, condition: { quorum: 5 } }';
      expect(diagnose(fanOut('all_complete', two, '{ quorum: 5 }')).errors).toEqual([
        `${FILE}:16:${colOf(line, '5')}: state 'write': quorum 5 exceeds the 2 agents of the state`,
      ]);
    });

    it('reports a fan-out without agents', () => {
      expect(
        diagnose(fanOut('any_complete', []).replace('      agents:\n', '      agents: []\n'))
          .errors,
      ).toEqual([`${FILE}:12:7: state 'write': a fan-out state needs at least one agent`]);
    });

    it('reports an unknown completion rule', () => {
      expect(diagnose(fanOut('most_complete', two)).errors).toEqual([
        `${FILE}:11:19: state 'write': 'completion' must be all_complete, any_complete or {quorum: n}`,
      ]);
    });
  });

  it('reports a {quorum: n} condition outside a fan-out state', () => {
    const line = '        - { target: done, condition: { quorum: 1 } }';
    expect(diagnose(mini({ 13: line })).errors).toEqual([
      `${FILE}:13:${colOf(line, '{ quorum')}: state 'write': a {quorum: n} condition only applies to a fan-out state`,
    ]);
  });

  it('reports a terminal state with transitions', () => {
    expect(
      diagnose(
        mini({
          15: ['      type: terminal', '      transitions: [{ target: write, condition: always }]'],
        }),
      ).errors,
    ).toEqual([`${FILE}:16:7: state 'done': a terminal state must not have transitions`]);
  });

  it('reports non-terminal states without transitions, missing or empty, and what they strand', () => {
    expect(diagnose(mini({ 12: [], 13: [] })).errors).toEqual([
      `${FILE}:5:5: state 'start': no path to a terminal state`,
      `${FILE}:9:5: state 'write': a single state needs at least one transition`,
      `${FILE}:12:5: state 'done': unreachable from the initial state 'start'`,
    ]);
    expect(diagnose(mini({ 12: '      transitions: []', 13: [] })).errors).toEqual([
      `${FILE}:5:5: state 'start': no path to a terminal state`,
      `${FILE}:12:7: state 'write': a single state needs at least one transition`,
      `${FILE}:13:5: state 'done': unreachable from the initial state 'start'`,
    ]);
  });

  it('reports an unknown output schema', () => {
    expect(
      diagnose(mini({ 10: ['      type: single', '      output_schema: Verdict'] })).errors,
    ).toEqual([
      `${FILE}:11:22: state 'write': unknown output_schema 'Verdict' (known: AuditResult)`,
    ]);
  });

  it('reports a quality gate the runtime does not provide, when the gates are known', () => {
    const source = mini({ 10: ['      type: single', '      quality_gate: post_lnt'] });
    expect(diagnose(source, { qualityGates: new Set(['post_lint']) }).errors).toEqual([
      `${FILE}:11:21: state 'write': unknown quality_gate 'post_lnt' (known: post_lint)`,
    ]);
    expect(diagnose(source).ok).toBe(true);
  });

  it('reports session_persist: false on an orchestrator-task and warns about it elsewhere', () => {
    const orchestrated = mini({
      10: '      type: orchestrator-task',
      11: '      agent: { name: writer, type: simulated, persona: writer, session_persist: false }',
    });
    expect(diagnose(orchestrated).errors).toEqual([
      `${FILE}:11:${colOf('      agent: { name: writer, type: simulated, persona: writer, session_persist: false }', 'false')}: agent 'writer' in state 'write': session_persist cannot be false in an orchestrator-task state, whose agent always continues its session`,
    ]);
    const single = mini({
      11: '      agent: { name: writer, type: simulated, persona: writer, session_persist: true }',
    });
    expect(diagnose(single)).toEqual({
      ok: true,
      errors: [],
      warnings: [
        `${FILE}:11:${colOf('      agent: { name: writer, type: simulated, persona: writer, session_persist: true }', 'session_persist')}: agent 'writer' in state 'write': session_persist only has an effect in orchestrator-task states`,
      ],
    });
  });

  it('reports wrongly typed values', () => {
    const line = '      agent: { name: 12 writers, type: simulated, persona: [writer] }';
    expect(diagnose(mini({ 2: '  name: 42', 11: line })).errors).toEqual([
      `${FILE}:2:9: workflow: 'name' must be a non-empty string`,
      `${FILE}:11:${colOf(line, '12')}: agent '12 writers' in state 'write': 'name' must start with a letter or '_' and contain only letters, digits, '_' and '-'`,
      `${FILE}:11:${colOf(line, '[')}: agent '12 writers' in state 'write': 'persona' must be a non-empty string`,
    ]);
  });
});
