import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../../../tools/setup/go-tools.sh');
const paths = new Map<string, string>();

/**
 * The path of a Go tool (`nats-server`, `k6`, …) built by tools/setup/go-tools.sh, the one place
 * that knows the tools' versions and cache. The setup script builds them before the tests; should
 * one still be missing, this builds it (once, blocking: under a minute for nats-server).
 */
export function goTool(name: string): string {
  let path = paths.get(name);
  if (path) return path;
  const run = spawnSync('bash', [SCRIPT, name], { encoding: 'utf8', timeout: 15 * 60_000 });
  path = run.stdout
    ?.split('\n')
    .find((line) => line.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  if (run.status !== 0 || !path)
    throw new Error(
      `${name} is not available (tools/setup/go-tools.sh ${name}): ${run.stderr ?? run.error?.message}`,
    );
  paths.set(name, path);
  return path;
}
