import { z } from 'zod';
import { LintFindingSchema } from './lint-finding.schema';

export const AuditDecisionSchema = z.enum(['proceed', 'retry', 'halt']);
export type AuditDecision = z.infer<typeof AuditDecisionSchema>;

/** What an auditor agent must answer (output_schema `AuditResult`). */
export const AuditResultSchema = z
  .object({
    decision: AuditDecisionSchema,
    score: z.number().min(0).max(10),
    feedback: z.string(),
    /** Which draft the auditor considers strongest (0-based index into the drafts it saw). */
    bestDraft: z.number().int().nonnegative().optional(),
    findings: z.array(LintFindingSchema).default([]),
  })
  .strict();

export type AuditResult = z.infer<typeof AuditResultSchema>;
