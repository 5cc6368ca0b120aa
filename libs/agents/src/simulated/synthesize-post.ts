import type { AgentTask } from '@postmagiq/contracts';
import { bestVerdict, judgeDrafts } from './audit-drafts';
import { writePost } from './post-writer';

/**
 * Synthesizer and orchestrator: start from the draft the lint rates best. A clean best draft is
 * the final post as it is; a reviewer's feedback, or no clean draft at all, means rewriting it as
 * a revision that honours the feedback (returning the rejected post again would loop forever).
 */
export function synthesizePost(task: AgentTask, seed: number): string {
  const { story, voice } = task.input;
  const best = bestVerdict(judgeDrafts(task.drafts, voice));
  const chosen = best === undefined ? undefined : task.drafts[best.index];
  if (chosen !== undefined && best?.errors === 0 && task.feedback === null) return chosen.trim();
  const feedback =
    [task.audit?.feedback, task.feedback].filter((f): f is string => !!f).join('\n') || null;
  return writePost({ story, voice, revision: true, feedback, seed });
}
