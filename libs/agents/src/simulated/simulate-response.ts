import type { AgentTask } from '@postmagiq/contracts';
import { auditDrafts } from './audit-drafts';
import { personaRole } from './persona-role';
import { writePost } from './post-writer';
import { seedOf } from './seed';
import { synthesizePost } from './synthesize-post';

/**
 * The simulated model: a pure function of the task (no clock, no randomness), so the same task
 * always yields the same text. The seed includes the agent's name, so parallel writers differ.
 */
export function simulateResponse(task: AgentTask): string {
  const { story, voice } = task.input;
  const feedback =
    [task.audit?.feedback, task.feedback].filter((f): f is string => !!f).join('\n') || null;
  const seed = seedOf(task.agent.name, story.title, story.body, feedback ?? '', String(task.visit));
  switch (personaRole(task.agent.persona)) {
    case 'auditor':
      return JSON.stringify(auditDrafts(task.drafts, voice), null, 2);
    case 'synthesizer':
      return synthesizePost(task, seed);
    case 'reviser':
      return writePost({ story, voice, revision: true, feedback, seed });
    case 'writer':
      return writePost({
        story,
        voice,
        revision: task.audit !== null || task.feedback !== null,
        feedback,
        seed,
      });
  }
}
