import {
  formatDiagnostic,
  parseWorkflow,
  type WorkflowDefinition,
} from '@postmagiq/workflow-engine';
import type { PromptLibrary } from '@postmagiq/prompts';
import { CliError, ExitCode } from '../cli-error';
import { readTextFile } from '../input/read-text-file';

export interface LoadedWorkflow {
  definition: WorkflowDefinition;
  warnings: string[];
}

/** Reads and validates a definition; every problem is reported at once as `file:line:col: message`. */
export function loadWorkflow(path: string, library: PromptLibrary): LoadedWorkflow {
  const source = readTextFile(path, 'the workflow');
  const outcome = parseWorkflow(source, { file: path, personas: new Set(library.personas.keys()) });
  const warnings = outcome.warnings.map(formatDiagnostic);
  if (!outcome.ok) {
    throw new CliError(
      [...outcome.errors.map(formatDiagnostic), ...warnings].join('\n'),
      ExitCode.Error,
      true,
    );
  }
  return { definition: outcome.definition, warnings };
}
