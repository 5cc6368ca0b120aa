import { auditJson } from '../testing/fake-invoker';
import { parseAgentOutput } from './parse-agent-output';

describe('parseAgentOutput', () => {
  it('parses plain JSON against the schema, applying its defaults', () => {
    expect(
      parseAgentOutput('{"decision":"proceed","score":9,"feedback":"Good."}', 'AuditResult'),
    ).toEqual({
      ok: true,
      output: {
        schema: 'AuditResult',
        value: { decision: 'proceed', score: 9, feedback: 'Good.', findings: [] },
      },
    });
  });

  it('tolerates a fenced ```json block surrounded by prose', () => {
    const content = `Sure, here is my audit.\n\n\`\`\`json\n${auditJson('retry', { score: 4 })}\n\`\`\`\nLet me know.`;
    expect(parseAgentOutput(content, 'AuditResult')).toMatchObject({
      ok: true,
      output: { value: { decision: 'retry', score: 4 } },
    });
  });

  it('tolerates a fence without a language', () => {
    expect(parseAgentOutput(`\`\`\`\n${auditJson('halt')}\n\`\`\``, 'AuditResult')).toMatchObject({
      ok: true,
    });
  });

  it('explains text that is not JSON', () => {
    const outcome = parseAgentOutput('I think it is fine.', 'AuditResult');
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.reason).toMatch(/^the answer is not JSON \(/);
  });

  it('lists every schema violation', () => {
    expect(parseAgentOutput('{"decision":"ok","feedback":3,"extra":true}', 'AuditResult')).toEqual({
      ok: false,
      reason:
        'the answer does not match AuditResult: decision: Invalid option: expected one of "proceed"|"retry"|"halt"; ' +
        'score: Invalid input: expected number, received undefined; feedback: Invalid input: expected string, received number; ' +
        '(root): Unrecognized key: "extra"',
    });
  });
});
