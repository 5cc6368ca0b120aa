import { formatDiagnostic } from '../definition/diagnostic';
import { parseWorkflow, ParseWorkflowOptions } from '../definition/parse-workflow';

/** Joins YAML lines, so a test's line numbers can be read off the array. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export const FILE = 'workflows/test.yaml';

/** Every diagnostic of a source, formatted, errors first; `ok` says whether it was accepted. */
export function diagnose(
  source: string,
  options: Partial<ParseWorkflowOptions> = {},
): { ok: boolean; errors: string[]; warnings: string[] } {
  const outcome = parseWorkflow(source, { file: FILE, ...options });
  return {
    ok: outcome.ok,
    errors: outcome.ok ? [] : outcome.errors.map(formatDiagnostic),
    warnings: outcome.warnings.map(formatDiagnostic),
  };
}

/** The 1-based column of the first occurrence of `needle` in `line`, for readable expectations. */
export function colOf(line: string, needle: string, from = 0): number {
  const index = line.indexOf(needle, from);
  if (index < 0) throw new Error(`'${needle}' is not in '${line}'`);
  return index + 1;
}
