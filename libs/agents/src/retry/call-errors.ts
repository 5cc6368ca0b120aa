/**
 * Errors our own code raises around a vendor call, so classification does not have to guess from
 * whatever an SDK throws when we abort its request.
 */

/** The attempt received nothing for `idleTimeoutMs`; we aborted it. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  constructor(readonly idleMs: number) {
    super(`no data from the vendor for ${idleMs} ms`);
  }
}

/** The caller's AbortSignal fired. Never retried. */
export class CallCancelledError extends Error {
  override readonly name = 'CallCancelledError';
  constructor() {
    super('the call was cancelled by its caller');
  }
}

/** A response the vendor sent in full but that we cannot use (blocked, empty, cut short). */
export class VendorResponseError extends Error {
  override readonly name = 'VendorResponseError';
  constructor(
    message: string,
    readonly kind: 'malformed' | 'refused',
  ) {
    super(message);
  }
}
