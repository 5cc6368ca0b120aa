import { colOf, diagnose, FILE, yaml } from '../testing/diagnostics';

const HEAD = ['workflow:', '  name: graph', '  initial_state: start', '  states:'];

describe('parseWorkflow: graph validation', () => {
  it('reports an initial_state that names no state', () => {
    const source = yaml(
      'workflow:',
      '  name: graph',
      '  initial_state: begin',
      '  states:',
      '    start:',
      '      type: initial',
      '      transitions: [{ target: done, condition: always }]',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:3:18: workflow: initial_state 'begin' is not a state of this workflow`,
    ]);
  });

  it('reports an initial_state whose state is not of type initial', () => {
    const source = yaml(
      'workflow:',
      '  name: graph',
      '  initial_state: review',
      '  states:',
      '    review:',
      '      type: human-approval',
      '      transitions: [{ target: done, condition: always }]',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:3:18: workflow: initial_state 'review' is a human-approval state; it must be of type initial`,
    ]);
  });

  it('reports unreachable states at their names', () => {
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions: [{ target: done, condition: always }]',
      '    orphan:',
      '      type: human-approval',
      '      transitions: [{ target: done, condition: always }]',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:8:5: state 'orphan': unreachable from the initial state 'start'`,
    ]);
  });

  it('reports states with no path to a terminal state', () => {
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions:',
      '        - { target: done, condition: "result == 1" }',
      '        - { target: ask, condition: always }',
      '    ask:',
      '      type: human-approval',
      '      transitions: [{ target: stuck, condition: always }]',
      '    stuck:',
      '      type: human-approval',
      '      transitions: []',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:10:5: state 'ask': no path to a terminal state`,
      `${FILE}:15:7: state 'stuck': a human-approval state needs at least one transition`,
    ]);
  });

  it('reports a workflow without any terminal state once', () => {
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions: [{ target: ask, condition: always }]',
      '    ask:',
      '      type: human-approval',
      '      transitions: []',
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:4:3: workflow: there is no terminal state, so no run could ever finish`,
      `${FILE}:10:7: state 'ask': a human-approval state needs at least one transition`,
    ]);
  });

  it('reports a transition back into the initial state', () => {
    const line =
      '      transitions: [{ target: done, condition: "result.decision == \'approve\'" }, { target: start, condition: always }]';
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions: [{ target: ask, condition: always }]',
      '    ask:',
      '      type: human-approval',
      line,
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:10:${colOf(line, 'start')}: state 'ask': transition to the initial state 'start' is not allowed`,
    ]);
  });

  it('accepts a loop whose only exit is the circuit breaker, with a warning at its first state', () => {
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions:',
      '        - { target: done, condition: "context.costUsd > 100" }',
      '        - { target: ping, condition: always }',
      '    ping:',
      '      type: single',
      '      agent: { name: pinger, type: simulated, persona: writer }',
      '      transitions: [{ target: pong, condition: always }]',
      '    pong:',
      '      type: single',
      '      agent: { name: ponger, type: simulated, persona: writer }',
      '      transitions: [{ target: ping, condition: always }]',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source)).toEqual({
      ok: true,
      errors: [],
      warnings: [
        `${FILE}:10:5: states 'ping', 'pong' form a loop that only the circuit breaker can end`,
      ],
    });
  });

  it('warns about a state that loops on itself', () => {
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions: [{ target: spin, condition: always }]',
      '    spin:',
      '      type: human-approval',
      '      transitions: [{ target: spin, condition: always }]',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source)).toEqual({
      ok: false,
      errors: [`${FILE}:11:5: state 'done': unreachable from the initial state 'start'`],
      warnings: [
        `${FILE}:8:5: state 'spin' loops on itself and only the circuit breaker can end it`,
      ],
    });
  });

  it('does not warn about a loop that has a way out', () => {
    const source = yaml(
      ...HEAD,
      '    start:',
      '      type: initial',
      '      transitions: [{ target: audit, condition: always }]',
      '    audit:',
      '      type: human-approval',
      '      transitions:',
      '        - { target: done, condition: "result.decision == \'approve\'" }',
      '        - { target: revise, condition: always }',
      '    revise:',
      '      type: human-approval',
      '      transitions: [{ target: audit, condition: always }]',
      '    done:',
      '      type: terminal',
    );
    expect(diagnose(source)).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('reports several problems of different kinds together, in document order', () => {
    const source = yaml(
      'workflow:', //                                                              1
      '  name: many', //                                                           2
      '  initial_state: start', //                                                 3
      '  limits: { cost_usd: 20 }', //                                             4
      '  states:', //                                                              5
      '    start:', //                                                             6
      '      type: initial', //                                                    7
      '      transitions: [{ target: draft, condition: always }]', //              8
      '    draft:', //                                                             9
      '      type: fan-out', //                                                    10
      '      completion: { quorum: 3 }', //                                        11
      '      agents:', //                                                          12
      '        - { name: w1, type: claude, persona: writer }', //                  13
      '        - { name: w2, type: mistral, persona: writer }', //                 14
      '      transitions: [{ target: audit, condition: all_complete && true }]', // 15
      '    audit:', //                                                             16
      '      type: single', //                                                     17
      '      agent: { name: w1, type: claude, persona: auditor }', //              18
      '      output_schema: AuditResult', //                                       19
      '      transitions: [{ target: done, condition: always }]', //               20
      '    lonely:', //                                                            21
      '      type: human-approval', //                                             22
      '      transitions: [{ target: done, condition: always }]', //               23
      '    done:', //                                                              24
      '      type: terminal', //                                                   25
      '      transitions: [{ target: start, condition: always }]', //              26
    );
    expect(diagnose(source).errors).toEqual([
      `${FILE}:4:23: limits: cost_usd 20 exceeds the hard ceiling of 10`,
      `${FILE}:11:29: state 'draft': quorum 3 exceeds the 2 agents of the state`,
      `${FILE}:14:29: agent 'w2' in state 'draft': unknown agent type 'mistral' (expected one of claude, gemini, openai, ollama, simulated)`,
      `${FILE}:15:${colOf('      transitions: [{ target: audit, condition: all_complete && true }]', '&&')}: state 'draft': invalid condition: '&&' is not an operator; use 'and'`,
      `${FILE}:18:22: agent 'w1' in state 'audit': duplicate agent name (already used in state 'draft')`,
      `${FILE}:21:5: state 'lonely': unreachable from the initial state 'start'`,
      `${FILE}:26:7: state 'done': a terminal state must not have transitions`,
    ]);
  });
});
