import { RunEvent, RunEventBody } from '@postmagiq/contracts';

export interface RunEventStamper {
  /** Adds the run id, the next sequence number and the time. */
  stamp(body: RunEventBody): RunEvent;
  /** The seq the next event will get. */
  readonly nextSeq: number;
}

/**
 * Numbers a run's events contiguously from `firstSeq` (1 for a new run; a resumed run continues
 * after the last persisted event), so a consumer can resume a stream with no gap or duplicate.
 */
export function createRunEventStamper(
  runId: string,
  now: () => number = Date.now,
  firstSeq = 1,
): RunEventStamper {
  let seq = firstSeq;
  return {
    stamp(body) {
      const event = { ...body, runId, seq, at: new Date(now()).toISOString() };
      seq += 1;
      // Spreading a union member keeps its shape; TS cannot see that through the Omit.
      return event as RunEvent;
    },
    get nextSeq() {
      return seq;
    },
  };
}
