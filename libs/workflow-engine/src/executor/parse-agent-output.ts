import { describeZodIssues } from '@postmagiq/contracts';
import { OUTPUT_SCHEMAS, OutputSchemaName } from '../definition/output-schemas';
import { StructuredOutput } from './state-result';

export type AgentOutputParse =
  | { readonly ok: true; readonly output: StructuredOutput }
  | { readonly ok: false; readonly reason: string };

// Models often wrap JSON in a Markdown fence despite being told not to; the fence is tolerated.
const FENCE = /```[ \t]*(?:json)?[ \t]*\r?\n([\s\S]*?)```/i;

/** Parses an agent's answer as JSON and validates it against the named schema. */
export function parseAgentOutput(content: string, schema: OutputSchemaName): AgentOutputParse {
  const text = (FENCE.exec(content)?.[1] ?? content).trim();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `the answer is not JSON (${(error as Error).message})` };
  }
  const parsed = OUTPUT_SCHEMAS[schema].safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      reason: `the answer does not match ${schema}: ${describeZodIssues(parsed.error)}`,
    };
  // The registry and StructuredOutput are keyed by the same names; TS cannot correlate them here.
  return { ok: true, output: { schema, value: parsed.data } as StructuredOutput };
}
