import { BreakerLimit } from '@postmagiq/contracts';
import { BreakerCounters } from './breaker-counters';

export interface BreakerTrip {
  readonly allowed: false;
  readonly limit: BreakerLimit;
  /** The tripped limit is a soft one and the run may still use its single extension. */
  readonly soft: boolean;
  readonly reason: string;
  readonly counters: BreakerCounters;
}

export type BreakerVerdict =
  { readonly allowed: true; readonly counters: BreakerCounters } | BreakerTrip;
