/**
 * npm run test:schemathesis — Schemathesis (from PyPI, in the venv tools/setup/python-tools.sh
 * makes) against the one-machine stack's OpenAPI document with every check, as two signed-in
 * users in two workspaces (its cross-user check replays one user's reads as the other), bounded in
 * examples and time. It passes when no check fails: no response ≥ 500, none outside the
 * document, no schema violation, nothing another workspace may read.
 *
 * The stack is started like `npm start` starts it (services/standalone/src/main.ts) on free ports
 * with its own Redis, NATS and data folder, and stopped at the end.
 * Knobs (environment): SCHEMATHESIS_SEED (random otherwise; stored in tmp/schemathesis/seed),
 * SCHEMATHESIS_MAX_EXAMPLES (25 per operation), SCHEMATHESIS_MAX_SECONDS (240).
 * Writes its totals to CHECKS_FILE (default tmp/test-results/schemathesis.json) for the test
 * command's closing line.
 */
import { startTestInfra, freePort, stopChild, TestInfra } from '@postmagiq/platform/testing';
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { summarise, type Summary } from './report';

const ROOT = resolve(__dirname, '../../..');
const OUT = join(ROOT, 'tmp/schemathesis');
const MAX_EXAMPLES = Number(process.env['SCHEMATHESIS_MAX_EXAMPLES'] ?? 25);
const MAX_SECONDS = Number(process.env['SCHEMATHESIS_MAX_SECONDS'] ?? 240);
const seed = Number(process.env['SCHEMATHESIS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

const log = (line: string) => process.stderr.write(`[schemathesis] ${line}\n`);

/** `st` from the venv the setup script makes (only when missing). */
function schemathesisBinary(): string {
  const out = execFileSync('bash', [join(ROOT, 'tools/setup/python-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.split('\n').find((l) => l.startsWith('schemathesis='));
  if (!line) throw new Error('tools/setup/python-tools.sh did not name schemathesis');
  return line.slice('schemathesis='.length);
}

/** Boots the one-machine process as `npm start` does and resolves with its URL once it serves. */
async function startStack(
  infra: TestInfra,
  dataDir: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'services/standalone/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...infra.env,
        SWC_NODE_PROJECT: 'tsconfig.base.json',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: '0',
        DATA_DIR: dataDir,
        LOG_FILE: join(dataDir, 'postmagiq.log'),
        LOG_LEVEL: 'warn',
        // the fuzzer sends thousands of requests from one address; limits are tested elsewhere
        RATE_LIMIT_PER_MINUTE: '1000000',
        RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
        POSTMAGIQ_MAIN_JOB: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the stack exited (${child.exitCode}):\n${output.slice(-3000)}`);
    if (output.includes('Postmagiq is running at')) return { url, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopChild(child);
  throw new Error(`the stack did not come up in 120 s:\n${output.slice(-3000)}`);
}

interface Identity {
  name: string;
  token: string;
}

/** A user of its own workspace, signed in (registration answers with its tokens). */
async function register(url: string, name: string): Promise<Identity> {
  const email = `${name}-${Date.now()}@schemathesis.example.com`;
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: `${name} has a long password`, name }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 201 || !body.accessToken)
    throw new Error(`registering ${name}: ${res.status} ${JSON.stringify(body)}`);
  return { name, token: body.accessToken };
}

/** The Web Fuzzing Commons auth file: several users, so the cross-user check has peers. */
function writeAuthFile(identities: Identity[]): string {
  const file = join(OUT, 'auth.json');
  writeFileSync(
    file,
    JSON.stringify({
      schemaVersion: '0.2.0',
      auth: identities.map((i) => ({
        name: i.name,
        fixedHeaders: [{ name: 'Authorization', value: `Bearer ${i.token}` }],
      })),
    }),
  );
  return file;
}

function runSchemathesis(st: string, url: string, authFile: string): Promise<number> {
  const args = [
    '--config-file',
    join(ROOT, 'tools/schemathesis/schemathesis.toml'),
    'run',
    `${url}/api/docs/openapi.json`,
    '--url',
    url,
    '--checks',
    'all',
    '--max-examples',
    String(MAX_EXAMPLES),
    '--max-time',
    String(MAX_SECONDS),
    '--seed',
    String(seed),
    '--auth-wfc',
    authFile,
    // one worker: Python 3.11's ast.parse is not thread-safe, and Hypothesis calls it while
    // describing strategies ("AST constructor recursion depth mismatch" with two)
    '--workers',
    '1',
    '--request-timeout',
    '20',
    // signing out or switching workspace would end the identities' sessions mid-run
    '--exclude-path-regex',
    '^/api/auth/(logout|password)$|^/api/workspaces/\\{id\\}/switch$',
    '--report',
    'junit,ndjson',
    '--report-dir',
    OUT,
    '--report-junit-path',
    join(OUT, 'junit.xml'),
    '--report-ndjson-path',
    join(OUT, 'events.ndjson'),
    '--no-color',
  ];
  log(`st ${args.join(' ')}`);
  return new Promise((ok) => {
    const child = spawn(st, args, {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, SCHEMATHESIS_HOOKS: '' },
    });
    child.on('exit', (code) => ok(code ?? 1));
  });
}

/** Where the test command's closing totals read this stage (run-all.sh's CHECKS_FILE). */
function writeTotals(summary: Summary): void {
  const file = process.env['CHECKS_FILE'] ?? join(ROOT, 'tmp/test-results/schemathesis.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      project: 'schemathesis',
      passed: summary.passed,
      failed: summary.failed,
      skipped: summary.skipped,
    }),
  );
}

async function main(): Promise<number> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'seed'), `${seed}\n`);
  const st = schemathesisBinary();
  const infra = await startTestInfra();
  const dataDir = mkdtempSync(join(tmpdir(), 'pmq-schemathesis-'));
  let stack: { url: string; child: ChildProcess } | undefined;
  try {
    stack = await startStack(infra, dataDir);
    log(`stack at ${stack.url} (data in ${dataDir}); seed ${seed}`);
    const authFile = writeAuthFile([
      await register(stack.url, 'alice'),
      await register(stack.url, 'bob'),
    ]);
    const code = await runSchemathesis(st, stack.url, authFile);
    const summary = summarise(
      readFileSync(join(OUT, 'junit.xml'), 'utf8'),
      existsSync(join(OUT, 'events.ndjson'))
        ? readFileSync(join(OUT, 'events.ndjson'), 'utf8')
        : '',
    );
    writeTotals(summary);
    const failedRun = code !== 0 || summary.failed > 0;
    const figures = {
      seed,
      operations: summary.passed + summary.failed + summary.skipped,
      passed: summary.passed,
      failed: summary.failed,
      skipped: summary.skipped,
      testCases: summary.testCases,
      serverErrors: summary.serverErrors,
      maxExamples: MAX_EXAMPLES,
      maxSeconds: MAX_SECONDS,
    };
    if (failedRun) {
      log(`FAILED (st exited ${code}); reports in ${OUT}`);
      log(
        `reproduce: SCHEMATHESIS_SEED=${seed} SCHEMATHESIS_MAX_EXAMPLES=${MAX_EXAMPLES} npm run test:schemathesis`,
      );
    }
    process.stdout.write(`${JSON.stringify({ schemathesis: figures })}\n`);
    return failedRun ? 1 : 0;
  } finally {
    if (stack) await stopChild(stack.child, 30_000);
    await infra.stop();
    if (process.env['SCHEMATHESIS_KEEP_DATA'] !== '1')
      rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`could not run: ${(e as Error)?.stack ?? String(e)}`);
    writeTotals({ passed: 0, failed: 1, skipped: 0, testCases: 0, serverErrors: 0 });
    process.exit(1);
  },
);
