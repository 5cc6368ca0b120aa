import type { z } from 'zod';

/**
 * One line naming every problem of a failed parse, `path: message; path: message`, for log lines
 * and failure reasons (HTTP answers name their fields through the platform's ZodValidationPipe).
 * An issue at the top level is named by `root`.
 */
export function describeZodIssues(error: z.ZodError, root = '(root)'): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || root}: ${issue.message}`)
    .join('; ');
}
