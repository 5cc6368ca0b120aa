import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

/**
 * The process's log destination is chosen once per process, so each case runs a small process:
 * it makes a root logger, logs one line, writes one line of its own to stdout and exits.
 */
function logOnce(logFile: string | undefined): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const code = `
    const { createRootLogger } = require(${JSON.stringify(join(__dirname, 'logger.ts'))});
    createRootLogger({ service: 'log-file-test' }).info({ secretish: false }, 'a service line');
    process.stdout.write('a line for the person at the terminal\\n');`;
  const r = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', code], {
    cwd: repoRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json'),
      ...(logFile === undefined ? {} : { LOG_FILE: logFile }),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('LOG_FILE', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pmq-log-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the JSON lines on stdout when unset', () => {
    const r = logOnce(undefined);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('a line for the person at the terminal');
    expect(lines.map((l) => (l.startsWith('{') ? JSON.parse(l).msg : l))).toContain(
      'a service line',
    );
  });

  it('appends the JSON lines to the file, creating its folder, and leaves stdout to the process', () => {
    const file = join(dir, 'logs', 'postmagiq.log');
    expect(logOnce(file).status).toBe(0);
    const second = logOnce(file);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('a line for the person at the terminal\n');
    const entries = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries).toHaveLength(2); // appended, not truncated by the second start
    expect(entries[1]).toMatchObject({ msg: 'a service line', service: 'log-file-test' });
  });

  it('stops with a message naming the variable and the path when the file cannot be opened', () => {
    const notAFolder = join(dir, 'plain-file');
    writeFileSync(notAFolder, '');
    const r = logOnce(join(notAFolder, 'postmagiq.log'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `LOG_FILE: cannot open ${join(notAFolder, 'postmagiq.log')} for appending`,
    );
  });
});
