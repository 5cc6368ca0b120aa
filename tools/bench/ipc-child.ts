import { stopChild } from '@postmagiq/platform/testing';
import type { ChildProcess } from 'node:child_process';

/**
 * The bench's own processes (servers under load, the floor's worker) speak over an IPC channel:
 * their first message says they are ready, and the message `stop` asks them to close and exit
 * normally (so that `--cpu-prof` writes its profile).
 */

/** The child's first IPC message; fails when it exits, errors or stays silent for `timeoutMs`. */
export function firstMessage<T>(
  child: ChildProcess,
  what: string,
  details: () => string = () => '',
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((ok, fail) => {
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      child.off('message', onMessage);
    };
    const onExit = (code: number | null) => {
      done();
      fail(new Error(`${what} exited with ${code}\n${details()}`));
    };
    const onError = (e: Error) => {
      done();
      fail(e);
    };
    const onMessage = (m: T) => {
      done();
      ok(m);
    };
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      fail(new Error(`${what} was not ready within ${timeoutMs} ms\n${details()}`));
    }, timeoutMs);
    child.once('exit', onExit);
    child.once('error', onError);
    child.once('message', onMessage);
  });
}

/** Asks the child to stop over IPC (SIGTERM without a channel); SIGKILL after `killAfterMs`. */
export function stopOverIpc(child: ChildProcess, killAfterMs = 15_000): Promise<void> {
  return stopChild(child, killAfterMs, (c) => (c.connected ? c.send('stop') : c.kill('SIGTERM')));
}
