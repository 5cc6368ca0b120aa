import { randomUUID } from 'node:crypto';
import type { RunEvent } from '@postmagiq/contracts';
import { lintPost } from '@postmagiq/prompts';
import {
  InMemoryBreakerCounterStore,
  runWorkflow,
  type RunOutcome,
} from '@postmagiq/workflow-engine';
import pc from 'picocolors';
import { CliError, ExitCode } from '../cli-error';
import { loadStory } from '../input/load-story';
import { loadVoice } from '../input/load-voice';
import { ProgressView } from '../render/progress-view';
import { renderSummary } from '../render/summary';
import { toJsonReport } from '../render/json-report';
import { buildInvoker } from '../runtime/backends';
import { loadWorkflow } from '../runtime/load-workflow';
import { loadLibrary } from '../runtime/load-library';
import { askForApproval } from '../runtime/terminal-approval';

export interface RunOptions {
  story: string;
  voice?: string;
  autoApprove: boolean;
  json: boolean;
  prompts?: string;
}

export interface RunIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** `postmagiq run`: one workflow run in this process, live on the terminal. Returns the exit code. */
export async function runCommand(
  workflowPath: string,
  options: RunOptions,
  io: RunIo,
): Promise<number> {
  const library = loadLibrary(options.prompts);
  const { definition, warnings } = loadWorkflow(workflowPath, library);
  const story = loadStory(options.story);
  const voice = loadVoice(options.voice);
  if (!options.autoApprove && !io.stdin.isTTY && hasApprovalState(definition.states)) {
    throw new CliError(
      'this workflow asks a human to approve the post, and standard input is not a terminal: run it in a terminal or pass --auto-approve',
    );
  }

  for (const warning of warnings) io.stderr.write(`${pc.yellow('warning')} ${warning}\n`);
  const { invoke, notice } = buildInvoker(definition, library, io.env);
  if (notice) io.stderr.write(`${pc.yellow('note')} ${notice}\n`);

  // With --json, stdout carries the report alone; progress goes to stderr when someone watches it.
  const progressOut = options.json ? io.stderr : io.stdout;
  const showProgress = !options.json || Boolean(io.stderr.isTTY);
  const view = new ProgressView(progressOut);
  const events: RunEvent[] = [];
  if (showProgress) view.start();

  let outcome: RunOutcome;
  try {
    outcome = await runWorkflow(definition, {
      runId: `cli-${randomUUID()}`,
      input: { story, voice },
      invoke,
      breaker: new InMemoryBreakerCounterStore(),
      gates: { post_lint: (text, input) => lintPost(text, { voice: input.voice }) },
      onEvent: (event) => {
        events.push(event);
        if (showProgress) view.handle(event);
      },
      approve: async ({ post }) => {
        if (options.autoApprove) return { decision: 'approve' };
        view.pause();
        try {
          return await askForApproval(post, io.stdin, io.stderr);
        } finally {
          view.resume();
        }
      },
      onSoftLimit: async (trip) => {
        if (options.autoApprove || !io.stdin.isTTY) return false;
        view.pause();
        try {
          const answer = await askYesNo(
            `${trip.reason}. Extend the limits once (up to the hard ceiling)?`,
            io,
          );
          return answer;
        } finally {
          view.resume();
        }
      },
    });
  } finally {
    view.stop();
  }

  if (options.json) {
    io.stdout.write(`${JSON.stringify(toJsonReport(definition.name, outcome), null, 2)}\n`);
  } else {
    io.stdout.write(`\n${renderSummary(outcome)}\n`);
  }
  return exitCodeOf(outcome);
}

function hasApprovalState(states: Readonly<Record<string, { type: string }>>): boolean {
  return Object.values(states).some((state) => state.type === 'human-approval');
}

export function exitCodeOf(outcome: RunOutcome): number {
  if (outcome.status === 'completed') return ExitCode.Completed;
  if (outcome.status === 'halted') return ExitCode.Halted;
  return ExitCode.Error;
}

async function askYesNo(question: string, io: RunIo): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = (await rl.question(`${pc.magenta('?')} ${question} [y/N] `))
      .trim()
      .toLowerCase();
    return answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}
