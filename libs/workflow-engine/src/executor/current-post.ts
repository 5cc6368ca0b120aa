import { RunContext } from './run-context';

/**
 * The post as it stands: the candidate final post if a text state or a reviewer produced one,
 * else the draft the latest audit found best, else the first draft.
 */
export function currentPost(context: RunContext): string | null {
  if (context.finalPost !== null) return context.finalPost;
  const best = context.audit?.bestDraft;
  return (best === undefined ? undefined : context.drafts[best]) ?? context.drafts[0] ?? null;
}
