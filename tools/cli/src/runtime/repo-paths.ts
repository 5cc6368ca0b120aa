import { resolve } from 'node:path';

/** The repository root, found from this file so the CLI works from any working directory. */
export const REPO_ROOT = resolve(__dirname, '../../../..');
export const DEFAULT_PROMPTS_DIR = resolve(REPO_ROOT, 'prompts');
