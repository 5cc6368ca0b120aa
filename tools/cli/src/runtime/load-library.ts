import { loadPromptLibrary, type PromptLibrary } from '@postmagiq/prompts';
import { CliError } from '../cli-error';
import { DEFAULT_PROMPTS_DIR } from './repo-paths';

/** The persona templates, with a load failure reported as a user error rather than a crash. */
export function loadLibrary(dir: string | undefined): PromptLibrary {
  try {
    return loadPromptLibrary(dir ?? DEFAULT_PROMPTS_DIR);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}
