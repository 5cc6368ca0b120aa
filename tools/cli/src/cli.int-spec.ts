import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lintPost } from '@postmagiq/prompts';

// Each test starts the real CLI as a process (TypeScript compiled on the fly): seconds on a busy
// two-core machine, so the per-test budget is generous; every spawn still ends on its own.
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'tools/cli/bin/postmagiq.js');
const STORY = join(ROOT, 'examples/story.md');
const VOICE = join(ROOT, 'examples/voice.yaml');
const WORKFLOW = join(ROOT, 'workflows/linkedin_post.yaml');

/** The environment of a machine with no vendor keys, so every agent runs simulated. */
function keylessEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const name of ['ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'OPENAI_API_KEY', 'OLLAMA_HOST'])
    delete env[name];
  return env;
}

function postmagiq(
  args: string[],
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: keylessEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'postmagiq-cli-'));
const file = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

describe('postmagiq run', () => {
  let report: {
    status: string;
    finalPost: string;
    visitedStates: string[];
    usage: { tokensIn: number; tokensOut: number; costUsd: number };
    agents: {
      state: string;
      agent: string;
      backend: string;
      tokensIn: number;
      tokensOut: number;
      simulated: boolean;
    }[];
    simulated: boolean;
  };
  let stderr: string;

  beforeAll(async () => {
    const result = await postmagiq([
      'run',
      WORKFLOW,
      '--story',
      STORY,
      '--voice',
      VOICE,
      '--auto-approve',
      '--json',
    ]);
    expect(result.code).toBe(0);
    report = JSON.parse(result.stdout);
    stderr = result.stderr;
  });

  it('writes a post through the whole default workflow, revising the first drafts once', () => {
    expect(report.status).toBe('completed');
    expect(report.visitedStates).toEqual([
      'start',
      'draft',
      'audit',
      'revise',
      'audit',
      'synthesize',
      'review',
      'complete',
    ]);
  });

  it('produces a post that passes every quality gate of the voice', () => {
    expect(report.finalPost).toContain('backlog');
    expect(lintPost(report.finalPost).filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.finalPost.toLowerCase()).not.toContain('synergy');
  });

  it('reports one row per agent call, all simulated, and usage that adds up', () => {
    expect(report.agents.map((a) => `${a.state}/${a.agent}`)).toEqual([
      'draft/writer_claude',
      'draft/writer_gemini',
      'draft/writer_ollama',
      'audit/auditor',
      'revise/reviser',
      'audit/auditor',
      'synthesize/synthesizer',
    ]);
    expect(report.simulated).toBe(true);
    expect(report.agents.every((a) => a.simulated && a.backend === 'simulated')).toBe(true);
    expect(report.usage.tokensIn).toBe(report.agents.reduce((sum, a) => sum + a.tokensIn, 0));
    expect(report.usage.tokensOut).toBe(report.agents.reduce((sum, a) => sum + a.tokensOut, 0));
    expect(report.usage.costUsd).toBe(0);
  });

  it('says once, plainly, that agents run simulated because no key is set', () => {
    expect(stderr.match(/simulated/g)?.length).toBe(1);
    expect(stderr).toContain('ANTHROPIC_API_KEY');
  });

  it('prints the post and the agent table without --json', async () => {
    const result = await postmagiq(['run', WORKFLOW, '--story', STORY, '--auto-approve']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Final post');
    expect(result.stdout).toMatch(
      /audit\/auditor\s+simulated\s+simulated-1\s+\d+\s+\d+\s+\$0\s+\d+ms/,
    );
    expect(result.stdout).toContain('states start → draft → audit');
  });

  it('exits 2 with the reason when the circuit breaker halts the run', async () => {
    const strict = file(
      'strict.yaml',
      (await import('node:fs'))
        .readFileSync(WORKFLOW, 'utf8')
        .replace('state_visits: 3', 'state_visits: 1'),
    );
    const result = await postmagiq(['run', strict, '--story', STORY, '--auto-approve', '--json']);
    expect(result.code).toBe(2);
    const halted = JSON.parse(result.stdout);
    expect(halted.status).toBe('halted');
    expect(halted.reason).toMatch(/audit/);
    expect(halted.finalPost).toBeNull();
  });

  it('refuses to wait for an approval nobody can give', async () => {
    const result = await postmagiq(['run', WORKFLOW, '--story', STORY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('standard input is not a terminal');
  });

  it('names a missing story file', async () => {
    const result = await postmagiq([
      'run',
      WORKFLOW,
      '--story',
      join(tmp, 'nope.md'),
      '--auto-approve',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `postmagiq: cannot read the story ${join(tmp, 'nope.md')}: no such file`,
    );
  });

  it('names a bad flag', async () => {
    const result = await postmagiq(['run', WORKFLOW, '--story', STORY, '--fast']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown option '--fast'");
  });

  it('names a missing required flag', async () => {
    const result = await postmagiq(['run', WORKFLOW]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("required option '--story <file>' not specified");
  });
});

describe('postmagiq validate', () => {
  it('accepts the default workflow', async () => {
    const result = await postmagiq(['validate', WORKFLOW]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid workflow "linkedin_post"');
  });

  it('lists every problem of a bad definition as file:line:col: message', async () => {
    const bad = file(
      'bad.yaml',
      [
        'workflow:',
        '  name: broken',
        '  initial_state: start',
        '  states:',
        '    start:',
        '      type: initial',
        '      transitions:',
        '        - { target: draft, condition: always }',
        '    draft:',
        '      type: fan-out',
        '      agents:',
        '        - { name: w, type: gpt9, persona: writer }',
        '      transitions:',
        '        - { target: nowhere, condition: "result.x === 1" }',
        '',
      ].join('\n'),
    );
    const result = await postmagiq(['validate', bad]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines.filter((l) => !l.startsWith('warning'))) {
      expect(line).toMatch(
        new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `),
      );
    }
    expect(result.stderr).toMatch(/:12:\d+: .*gpt9/);
    expect(result.stderr).toMatch(/:14:\d+: .*nowhere/);
  });

  it('names a missing workflow file', async () => {
    const result = await postmagiq(['validate', join(tmp, 'missing.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cannot read the workflow ${join(tmp, 'missing.yaml')}: no such file`,
    );
  });
});
