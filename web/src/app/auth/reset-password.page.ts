import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import {
  AbstractControl,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import { PasswordSchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { errorMessage, zodValidator } from '../forms/zod-validator';
import { FormSubmission } from '../forms/form-submission';
import { AUTH_STYLES } from './auth-layout';

function sameAsNewPassword(control: AbstractControl): ValidationErrors | null {
  const form = control.parent as FormGroup | null;
  const first = form?.get('newPassword')?.value as string | undefined;
  return first !== undefined && control.value !== first
    ? { mismatch: 'the two passwords differ' }
    : null;
}

export function resetPasswordForm() {
  return new FormGroup({
    newPassword: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(PasswordSchema)],
    }),
    confirm: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, sameAsNewPassword],
    }),
  });
}

/** The page the password-reset mail links to (`/reset-password?token=…`). */
@Component({
  selector: 'pm-reset-password',
  imports: [ReactiveFormsModule, RouterLink, MatInputModule, MatButtonModule],
  template: `
    <main id="main">
      <div class="brand">Postmagiq</div>
      <h1>Choose a new password</h1>
      @if (!token()) {
        <p class="error-text" role="alert">This link has no reset token. Ask for a new link.</p>
        <p><a routerLink="/forgot-password">Ask for a new link</a></p>
      } @else if (done()) {
        <p class="notice" role="status">
          Your password is changed and every session of your account has ended.
        </p>
        <p><a routerLink="/sign-in">Sign in with the new password</a></p>
      } @else {
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <mat-form-field>
            <mat-label>New password</mat-label>
            <input
              matInput
              type="password"
              formControlName="newPassword"
              autocomplete="new-password"
            />
            <mat-hint>At least 10 characters</mat-hint>
            <mat-error>{{ err('newPassword') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Repeat it</mat-label>
            <input matInput type="password" formControlName="confirm" autocomplete="new-password" />
            <mat-error>{{ err('confirm') }}</mat-error>
          </mat-form-field>
          @if (formError()) {
            <p class="error-text" role="alert">{{ formError() }}</p>
          }
          <div class="actions">
            <button mat-flat-button type="submit" [disabled]="busy()">Set the password</button>
          </div>
        </form>
      }
    </main>
  `,
  styles: AUTH_STYLES,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResetPasswordPage {
  readonly token = input<string>();
  private readonly api = inject(Api);
  protected readonly form = resetPasswordForm();
  private readonly submission = new FormSubmission(this.form);
  protected readonly busy = this.submission.busy;
  protected readonly done = signal(false);
  protected readonly formError = this.submission.error;

  constructor() {
    this.form.controls.newPassword.valueChanges.subscribe(() =>
      this.form.controls.confirm.updateValueAndValidity(),
    );
  }

  protected err(name: 'newPassword' | 'confirm'): string | null {
    return errorMessage(this.form.controls[name]);
  }

  async submit(): Promise<void> {
    await this.submission.run(async () => {
      await this.api.send('POST', '/auth/password-reset/confirm', {
        token: this.token(),
        newPassword: this.form.controls.newPassword.value,
      });
      this.done.set(true);
    });
  }
}
