/**
 * The prompt shape is owned by @postmagiq/prompts (`composePrompt`); adapters import it from here
 * so they depend on one name.
 */
export type { ComposedPrompt, PromptLibrary } from '@postmagiq/prompts';
