import { FieldError, Problems } from '@postmagiq/platform';

/** A 400 naming one field. */
export function invalid(field: string, message: string): Error {
  return Problems.validation([{ field, message }]);
}

export function invalidFields(errors: FieldError[]): Error {
  return Problems.validation(errors);
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
export const isoOf = (d: Date): string => d.toISOString();
