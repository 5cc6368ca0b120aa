import { AuditResult } from '@postmagiq/contracts';
import { ApprovalResponse } from './executor-ports';

/** A parsed structured answer, typed by the schema it was validated against. */
export type StructuredOutput = { readonly schema: 'AuditResult'; readonly value: AuditResult };

/** What finishing one visit of a state produced. */
export type StateResult =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'fan-out';
      /** Successful outputs in the order the agents are declared. */
      readonly drafts: readonly string[];
      readonly completed: number;
      readonly failed: number;
      readonly total: number;
    }
  | { readonly kind: 'text'; readonly content: string }
  | { readonly kind: 'structured'; readonly output: StructuredOutput }
  | { readonly kind: 'approval'; readonly response: ApprovalResponse; readonly post: string };

/** The `result` a state's transition conditions see. */
export function resultFact(result: StateResult): unknown {
  switch (result.kind) {
    case 'none':
      return null;
    case 'fan-out':
      return { completed: result.completed, failed: result.failed };
    case 'text':
      return { content: result.content };
    case 'structured':
      return result.output.value;
    case 'approval':
      return result.response;
  }
}
