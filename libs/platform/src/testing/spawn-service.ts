import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository's root (entry points are given relative to it). */
export const REPO_ROOT = resolve(__dirname, '../../../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** The JSON line the process printed when ready. */
  ready: Record<string, unknown>;
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a service entry point (TypeScript through @swc-node/register, as a deployment runs it)
 * and resolves once it prints its JSON ready line (`readyKey` set: `ready` for `serve()`'s line).
 * Rejects if it exits first.
 */
export async function spawnService(
  entry: string,
  env: Record<string, string>,
  readyKey: string,
  timeoutMs = 90_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: resolve(REPO_ROOT, 'tsconfig.base.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const add = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const ready = await new Promise<Record<string, unknown>>((ok, fail) => {
    let buf = '';
    const timer = setTimeout(
      () => fail(new Error(`${entry} not ready in ${timeoutMs} ms\n${out}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const json = JSON.parse(line) as Record<string, unknown>;
          if (json[readyKey] !== undefined) {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            ok(json);
            return;
          }
        } catch {
          /* a log line */
        }
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${entry} exited with ${code} before it was ready\n${out}`));
    });
  });
  return {
    child,
    ready,
    output: () => out,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
