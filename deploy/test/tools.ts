import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CHART = join(REPO_ROOT, 'deploy/helm/postmagiq');
export const EXAMPLE_VALUES = [
  'values-evaluation.yaml',
  'values-production.yaml',
  'values-gpu.yaml',
];

/** A tool's binary from the variable tools/test/deploy.sh sets; a clear failure when it is not set. */
export function tool(variable: string): string {
  const path = process.env[variable];
  if (!path || !existsSync(path)) {
    throw new Error(
      `${variable} is not set to a binary: run these tests with \`npm run test:deploy\` (tools/test/deploy.sh builds the tools)`,
    );
  }
  return path;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): Run {
  const r = spawnSync(bin, args, {
    input,
    encoding: 'utf8',
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and returns stdout; throws with stderr when the command fails. */
export function runOk(
  bin: string,
  args: string[],
  input?: string,
  env?: NodeJS.ProcessEnv,
): string {
  const r = run(bin, args, input, env);
  if (r.status !== 0)
    throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export { execFileSync };
