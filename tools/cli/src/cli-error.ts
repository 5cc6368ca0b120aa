/** An error the user can fix: printed as its message alone, with the exit code it carries. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
    /** Print the message as it is, without the `postmagiq:` prefix (e.g. `file:line:col:` lines). */
    readonly bare = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const ExitCode = {
  Completed: 0,
  Error: 1,
  Halted: 2,
} as const;
