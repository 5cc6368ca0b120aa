import { AbstractControl, FormGroup, ValidationErrors, ValidatorFn } from '@angular/forms';
import type { z } from 'zod';
import { ApiError } from '../core/problem';

/**
 * A form control validated by the same zod schema the API applies to that field (from contracts),
 * so the console and the server never disagree on what is valid. `toApi` maps the control's value
 * to what the API receives (text area lines → a list). The error is `{ invalid: message }`.
 */
export function zodValidator(
  schema: z.ZodType,
  toApi: (value: unknown) => unknown = (v) => v,
): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const result = schema.safeParse(toApi(control.value));
    if (result.success) return null;
    return { invalid: result.error.issues[0]?.message ?? 'is not valid' };
  };
}

/** The message to show under a control: the API's (`server`) first, then the local validator's. */
export function errorMessage(control: AbstractControl | null): string | null {
  if (!control?.errors) return null;
  const e = control.errors as {
    server?: string;
    invalid?: string;
    required?: boolean;
    mismatch?: string;
  };
  if (e.server) return e.server;
  if (e.required) return 'required';
  if (e.invalid) return e.invalid;
  if (e.mismatch) return e.mismatch;
  return 'is not valid';
}

/**
 * Puts the field errors of a 400 next to their fields; returns the message for the form as a whole
 * (the problem's detail, plus any field the form does not have).
 */
export function applyServerErrors(form: FormGroup, error: ApiError): string | null {
  const leftovers: string[] = [];
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    const control = form.get(field);
    if (control) {
      control.setErrors({ ...(control.errors ?? {}), server: message });
      control.markAsTouched();
    } else {
      leftovers.push(`${field}: ${message}`);
    }
  }
  if (Object.keys(error.fieldErrors).length > 0 && leftovers.length === 0) return null;
  return [error.message, ...leftovers].join(' — ');
}
