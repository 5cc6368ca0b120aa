import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error';

/** Reads a file the user named, turning fs errors into one plain sentence. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (error as Error).message;
    throw new CliError(`cannot read ${what} ${path}: ${reason}`);
  }
}
