export * from './composition/compose-prompt';
export * from './composition/placeholders';
export * from './composition/prompt-library';
export * from './composition/task-material';
export * from './composition/voice-layer';
export * from './lint/lint-options';
export * from './lint/lint-post';
export type { LintRule } from './lint/lint-rule';
export { analysePostText, countWords, type PostText, type Span } from './lint/post-text';
