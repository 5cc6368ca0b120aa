/**
 * The prompt `composePrompt` (@postmagiq/prompts) hands to an adapter. Re-exported from here so
 * adapters depend on one name, whichever lib owns the shape.
 */
export interface ComposedPrompt {
  /** Universal rules + voice profile: identical across the calls of a run, so vendors can cache it. */
  stablePrefix: string;
  /** The rendered persona template (writer, auditor, …). */
  persona: string;
  /** The per-call material: story, drafts, findings, feedback. */
  user: string;
  /** sha256 of the exact prompt, for run history and de-duplication. */
  hash: string;
}
