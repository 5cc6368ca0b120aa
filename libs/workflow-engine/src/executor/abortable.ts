/** Thrown when the run's AbortSignal fires; the driver turns it into a `cancelled` run. */
export class RunCancelledError extends Error {
  constructor(reason: unknown) {
    super(
      reason instanceof Error
        ? reason.message
        : typeof reason === 'string'
          ? reason
          : 'the run was cancelled',
    );
    this.name = 'RunCancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunCancelledError(signal.reason);
}

/**
 * Races a promise against the signal, so an invoker or an approval gate that ignores the signal
 * cannot keep a cancelled run waiting.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RunCancelledError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
