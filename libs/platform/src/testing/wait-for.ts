/**
 * Polls until `condition` returns a value that is not null, undefined, false, 0 or '' (then
 * returns it) or the time is up (then throws naming `what` and the last error the condition
 * threw). Tests wait for what they expect this way, never with a fixed sleep.
 */
export async function waitFor<T>(
  condition: () => Promise<T> | T,
  timeoutMs: number,
  what: string,
  everyMs = 50,
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
