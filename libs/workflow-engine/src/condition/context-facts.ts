/**
 * The fields `context.<field>` may name. The condition parser rejects any other field, and the
 * executor builds exactly these (see buildTransitionFacts), so the two cannot drift apart silently.
 */
export const CONTEXT_FACT_KEYS = [
  'visits',
  'outputs',
  'transitions',
  'costUsd',
  'elapsedMinutes',
  'feedback',
  'audit',
] as const;
export type ContextFactKey = (typeof CONTEXT_FACT_KEYS)[number];

/** Sub-fields of these context fields are state names (`context.visits.audit`). */
export const STATE_KEYED_CONTEXT_FACTS: ReadonlySet<ContextFactKey> = new Set([
  'visits',
  'outputs',
]);

export type ContextFacts = Readonly<Record<ContextFactKey, unknown>>;

/** Everything a condition can see when the executor evaluates a state's transitions. */
export interface ConditionFacts {
  /** The state's result: parsed output, `{content}`, `{completed, failed}` or the approval. */
  readonly result: unknown;
  readonly context: ContextFacts;
  /** Every agent of the state succeeded (vacuously true for states without agents). */
  readonly allComplete: boolean;
  /** At least one agent of the state succeeded. */
  readonly anyComplete: boolean;
  /** How many agents of the state succeeded, for `{quorum: n}`. */
  readonly completed: number;
}
