import { z } from 'zod';

/** One problem of a workflow definition, as the engine reports it (1-based line and column). */
export const WorkflowDiagnosticSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  col: z.number().int(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});
export type WorkflowDiagnostic = z.infer<typeof WorkflowDiagnosticSchema>;

/** Upload of a workspace's own workflow: the YAML text; its name is the one the YAML declares. */
export const SaveWorkflowDefinitionRequestSchema = z.strictObject({
  source: z.string().min(1, { message: 'must not be empty' }).max(200_000),
});
export type SaveWorkflowDefinitionRequest = z.infer<typeof SaveWorkflowDefinitionRequestSchema>;

export const WorkflowStateSummarySchema = z.object({
  name: z.string(),
  type: z.string(),
  /** Agent names of the state, in declaration order (empty for states without agents). */
  agents: z.array(
    z.object({
      name: z.string(),
      backend: z.string(),
      persona: z.string(),
      model: z.string().nullable(),
    }),
  ),
  transitions: z.array(z.object({ target: z.string(), condition: z.string() })),
});

/** A workflow as the API lists it: built-in (from `workflows/`) or the workspace's own. */
export const WorkflowDefinitionSummarySchema = z.object({
  name: z.string(),
  builtIn: z.boolean(),
  initialState: z.string(),
  states: z.array(WorkflowStateSummarySchema),
  /** Soft limits of the workflow (`limits:`), as camelCase fields; empty when it keeps the defaults. */
  limits: z.record(z.string(), z.number()),
  warnings: z.array(WorkflowDiagnosticSchema),
  updatedAt: z.string().nullable(),
});
export type WorkflowDefinitionSummary = z.infer<typeof WorkflowDefinitionSummarySchema>;

export const WorkflowDefinitionDetailSchema = WorkflowDefinitionSummarySchema.extend({
  source: z.string(),
});
export type WorkflowDefinitionDetail = z.infer<typeof WorkflowDefinitionDetailSchema>;
