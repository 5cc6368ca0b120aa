import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './cli-error';

const io = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};

/*
 * Commands load on use: `run` needs the vendor SDKs, whose loading (~0.5 s) would otherwise
 * dominate every other command's start. `require`, not `import()`: the CommonJS build and the
 * tsx fallback of bin/postmagiq.js both resolve it.
 */
const loadRun = () => require('./commands/run.command') as typeof import('./commands/run.command');
const loadValidate = () =>
  require('./commands/validate.command') as typeof import('./commands/validate.command');

function buildProgram(): Command {
  const program = new Command('postmagiq')
    .description('Postmagiq: multi-agent LinkedIn writing workflows, run from the terminal.')
    .exitOverride()
    .showHelpAfterError('(run postmagiq --help for usage)');

  program
    .command('run')
    .description('run a workflow for one story and print the finished post')
    .argument('<workflow>', 'workflow definition (YAML)')
    .requiredOption('--story <file>', 'the story entry, Markdown or plain text')
    .option(
      '--voice <file>',
      'voice profile (YAML: name, tone, signature_phrases, avoid, examples)',
    )
    .option('--auto-approve', 'approve human-approval states without asking', false)
    .option('--json', 'print one JSON document instead of the live view and summary', false)
    .option('--prompts <dir>', 'persona templates folder (default: the repository prompts/)')
    .action(async (workflow: string, options) => {
      const { runCommand } = loadRun();
      process.exitCode = await runCommand(workflow, options, io);
    });

  program
    .command('validate')
    .description('check a workflow definition; print every problem as file:line:col: message')
    .argument('<workflow>', 'workflow definition (YAML)')
    .option('--prompts <dir>', 'persona templates folder (default: the repository prompts/)')
    .action((workflow: string, options) => {
      const { validateCommand } = loadValidate();
      process.exitCode = validateCommand(workflow, options, io);
    });

  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help/version text).
      process.exitCode = error.exitCode === 0 ? ExitCode.Completed : ExitCode.Error;
      return;
    }
    if (error instanceof CliError) {
      process.stderr.write(error.bare ? `${error.message}\n` : `postmagiq: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`postmagiq: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = ExitCode.Error;
  }
}

void main(process.argv);
