import { freePort, startTestInfra, stopChild, TestInfra } from '@postmagiq/platform/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const WEB_DIST = join(ROOT, 'web/dist/web/browser');

export interface ConsoleStack {
  url: string;
  demo: { email: string; password: string };
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * The one-machine stack as `npm start` runs it, on free ports with its own data folder: real
 * Redis, NATS and embedded Postgres, and the standalone process serving the built console.
 */
export async function startConsoleStack(
  extraEnv: Record<string, string> = {},
): Promise<ConsoleStack> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`no console build in ${WEB_DIST}: run npx nx run web:build first`);
  }
  const infra: TestInfra = await startTestInfra();
  const dataDir = mkdtempSync(join(tmpdir(), 'pmq-console-e2e-'));
  const port = await freePort();
  const logFile = join(dataDir, 'postmagiq.log');
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'services/standalone/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? dataDir,
        ...infra.env,
        SWC_NODE_PROJECT: 'tsconfig.base.json',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        WEB_DIST_DIR: WEB_DIST,
        LOG_FILE: logFile,
        LOG_LEVEL: 'info',
        APP_BASE_URL: `http://127.0.0.1:${port}`,
        // one browser on one IP does what a whole team would: the per-IP limits are not under test
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
        SIMULATED_LATENCY_MS: '250',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await new Promise<void>((ok, fail) => {
      const deadline = Date.now() + 120_000;
      const timer = setInterval(() => {
        if (output.includes('Postmagiq is running at')) {
          clearInterval(timer);
          ok();
        } else if (child.exitCode !== null || Date.now() > deadline) {
          clearInterval(timer);
          fail(new Error(`the standalone process did not start:\n${output}`));
        }
      }, 200);
    });
  } catch (e) {
    await stopChild(child, 5_000);
    await infra.stop();
    throw e;
  }
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo-account.json'), 'utf8')) as {
    email: string;
    password: string;
  };
  return {
    url,
    demo,
    dataDir,
    logFile,
    async stop() {
      await stopChild(child, 15_000);
      await infra.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The link of the last mail the stack logged (no SMTP here) whose text contains `path`. */
export function lastMailLink(logFile: string, path: string): string | null {
  const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const matches = [...text.matchAll(/https?:\/\/[^\s"\\]+/g)]
    .map((m) => m[0])
    .filter((u) => u.includes(path));
  return matches.at(-1) ?? null;
}
