import { ParseUUIDPipe } from '@nestjs/common';
import { FieldError, Problems } from '@postmagiq/platform';

/** A malformed id answers 404 like an unknown one (and like another workspace's). */
export function idPipe(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound(what) });
}

/** A 400 naming one field. */
export function invalid(field: string, message: string): Error {
  return Problems.validation([{ field, message }]);
}

export function invalidFields(errors: FieldError[]): Error {
  return Problems.validation(errors);
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
export const isoOf = (d: Date): string => d.toISOString();

/** Postgres unique violation (23505), optionally of one constraint. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = err?.driverError?.code ?? err?.code;
  const name = err?.driverError?.constraint ?? err?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}
