import type { NextFunction, Request, Response } from 'express';
import { FieldError, Problems } from '../errors/problem';

/**
 * The deepest nesting of objects and arrays a request may carry. No request shape of ours goes
 * past a handful of levels; thousands of levels make recursive code (zod, Postgres's jsonb input)
 * exhaust its stack and answer 500.
 */
export const MAX_INPUT_DEPTH = 32;

/**
 * Control characters no text of ours holds: NUL (Postgres refuses it in text and jsonb) and the
 * other C0/C1 controls and DEL. Tab, line feed and carriage return are text.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * What every text in a request must satisfy, decided once for every route: no forbidden control
 * character (a text made of them must not be trimmed to "" and stored either) and no nesting past
 * MAX_INPUT_DEPTH. Returns each offending field, named like the zod pipe names them
 * (`title`, `examples.2`, `q`), below `root` when the value itself is the offender.
 */
export function unsafeInput(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  // iterative, so the check itself cannot run out of stack on what it refuses
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [
    { value, path: [], depth: 0 },
  ];
  while (stack.length > 0 && errors.length < 20) {
    const {
      value: v,
      path,
      depth,
    } = stack.pop() as { value: unknown; path: string[]; depth: number };
    const field = path.length > 0 ? path.join('.') : root;
    if (typeof v === 'string') {
      if (FORBIDDEN_CONTROL.test(v)) errors.push({ field, message: controlMessage(v) });
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      errors.push({ field, message: `is nested deeper than ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      if (FORBIDDEN_CONTROL.test(key)) {
        errors.push({ field, message: `has a key with a control character (${controlName(key)})` });
        continue;
      }
      stack.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
  return errors;
}

function controlName(text: string): string {
  const code = (FORBIDDEN_CONTROL.exec(text)?.[0] ?? '\u0000').charCodeAt(0);
  return code === 0 ? 'NUL' : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function controlMessage(text: string): string {
  return `must not contain control characters (found ${controlName(text)})`;
}

/**
 * Express middleware, after the body parser: refuses a request whose query string or JSON body
 * breaks `unsafeInput` with one 400 problem naming every such field, before any route runs; a path
 * holding a control character answers 404.
 */
export function inputSafety(req: Request, _res: Response, next: NextFunction): void {
  let path = req.path;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    /* a malformed escape is the router's to refuse */
  }
  // a path with a control character names no resource of ours (ids, names and slugs never hold one)
  if (FORBIDDEN_CONTROL.test(path)) return next(Problems.notFound('path'));
  const errors = [...unsafeInput(req.query, 'query'), ...unsafeInput(req.body, 'body')];
  if (errors.length > 0) return next(Problems.validation(errors));
  next();
}
