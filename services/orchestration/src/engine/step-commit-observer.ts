/**
 * Told about every step right after its transaction committed, before its effects (live events,
 * agent jobs, outbox) are started. Nothing provides one in a deployment; the crash suite's entry
 * point (`testing/killed-after-commit.main.ts`) provides one that kills the process there, the
 * window the recovery sweep exists for.
 */
export interface StepCommitObserver {
  committed(runId: string, transitionSeqs: readonly number[]): void;
}

export const STEP_COMMIT_OBSERVER = Symbol('STEP_COMMIT_OBSERVER');
