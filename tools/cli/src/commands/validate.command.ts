import pc from 'picocolors';
import { ExitCode } from '../cli-error';
import { loadWorkflow } from '../runtime/load-workflow';
import { loadLibrary } from '../runtime/load-library';

/** `postmagiq validate`: 0 and a one-line summary when valid; problems go out as CliError (exit 1). */
export function validateCommand(
  workflowPath: string,
  options: { prompts?: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): number {
  const library = loadLibrary(options.prompts);
  const { definition, warnings } = loadWorkflow(workflowPath, library);
  for (const warning of warnings) io.stderr.write(`${pc.yellow('warning')} ${warning}\n`);
  const states = Object.keys(definition.states).length;
  io.stdout.write(`${workflowPath}: valid workflow "${definition.name}" with ${states} states\n`);
  return ExitCode.Completed;
}
