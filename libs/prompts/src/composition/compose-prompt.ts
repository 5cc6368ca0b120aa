import { createHash } from 'node:crypto';
import type { AgentTask } from '@postmagiq/contracts';
import { DEFAULT_LINT_OPTIONS } from '../lint/lint-options';
import { renderTemplate } from './placeholders';
import type { PromptLibrary } from './prompt-library';
import { renderTaskMaterial } from './task-material';
import { renderVoiceLayer } from './voice-layer';

/**
 * A prompt split the way vendors can cache it: `stablePrefix` (layers 1 and 2) is byte-identical
 * for every call of a run, `persona` is layer 3, `user` the material of this one call.
 */
export interface ComposedPrompt {
  stablePrefix: string;
  persona: string;
  user: string;
  /**
   * sha256 of the three composed layers, identifying the composition. Not the hash of what a call
   * sends (a continued session adds its history turns, and the model matters): agent calls record
   * that one, computed by the adapter from the request it assembled (`hashSentPrompt` in
   * @postmagiq/agents).
   */
  hash: string;
}

export function composePrompt(library: PromptLibrary, task: AgentTask): ComposedPrompt {
  const template = library.personas.get(task.agent.persona);
  if (template === undefined) {
    throw new Error(
      `no template for persona "${task.agent.persona}" (known: ${[...library.personas.keys()].join(', ')})`,
    );
  }
  const stablePrefix = `# Universal rules\n\n${library.universalRules}\n\n# Voice profile\n\n${renderVoiceLayer(task.input.voice)}`;
  const persona = renderTemplate(template, {
    voice_name: task.input.voice.name,
    story_title: task.input.story.title,
    story_topic: task.input.story.topic ?? task.input.story.title,
    draft_count: String(task.drafts.length),
    visit: String(task.visit),
    state: task.state,
    agent: task.agent.name,
    word_min: String(DEFAULT_LINT_OPTIONS.minWords),
    word_max: String(DEFAULT_LINT_OPTIONS.maxWords),
  });
  const user = renderTaskMaterial(task);
  const hash = createHash('sha256')
    .update(stablePrefix)
    .update('\u0000')
    .update(persona)
    .update('\u0000')
    .update(user)
    .digest('hex');
  return { stablePrefix, persona, user, hash };
}
