import { z } from 'zod';

export const LintSeveritySchema = z.enum(['error', 'warning', 'info']);
export type LintSeverity = z.infer<typeof LintSeveritySchema>;

/** A deterministic quality-gate finding about a post. Offsets are UTF-16 indices into the text. */
export const LintFindingSchema = z
  .object({
    rule: z.string().min(1),
    severity: LintSeveritySchema,
    message: z.string().min(1),
    location: z
      .object({
        start: z.number().int().nonnegative(),
        end: z.number().int().nonnegative(),
        line: z.number().int().positive(),
      })
      .optional(),
  })
  .strict();

export type LintFinding = z.infer<typeof LintFindingSchema>;
