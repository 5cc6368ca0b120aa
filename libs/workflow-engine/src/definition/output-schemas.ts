import { AuditResultSchema } from '@postmagiq/contracts';
import { z } from 'zod';

/**
 * The schemas a state's `output_schema` may name. They come from the contracts so the agents
 * that must answer in them and the engine that parses the answers agree on one definition.
 */
export const OUTPUT_SCHEMAS = {
  AuditResult: AuditResultSchema,
} as const satisfies Record<string, z.ZodType>;

export type OutputSchemaName = keyof typeof OUTPUT_SCHEMAS;

export const OUTPUT_SCHEMA_NAMES = Object.keys(OUTPUT_SCHEMAS) as OutputSchemaName[];

export function isOutputSchemaName(name: string): name is OutputSchemaName {
  return Object.prototype.hasOwnProperty.call(OUTPUT_SCHEMAS, name);
}
