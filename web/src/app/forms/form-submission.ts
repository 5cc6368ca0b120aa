import { signal } from '@angular/core';
import { FormGroup } from '@angular/forms';
import { toApiError } from '../core/problem';
import { applyServerErrors } from './zod-validator';

/**
 * What every form of the console does on submit: show the field errors instead of sending an
 * invalid form, mark itself busy, and put the API's field errors next to their fields (and the
 * rest in `error`) when the call fails.
 */
export class FormSubmission {
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);

  constructor(private readonly form: FormGroup) {}

  /** Runs `action` for a valid form; false when the form was invalid or the call failed. */
  async run(action: () => Promise<void>): Promise<boolean> {
    this.form.markAllAsTouched();
    if (this.form.invalid) return false;
    this.busy.set(true);
    this.error.set(null);
    try {
      await action();
      return true;
    } catch (e) {
      this.error.set(applyServerErrors(this.form, toApiError(e)));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
