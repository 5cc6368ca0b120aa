import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import { EmailSchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { errorMessage, zodValidator } from '../forms/zod-validator';
import { FormSubmission } from '../forms/form-submission';
import { AUTH_STYLES } from './auth-layout';

export function forgotPasswordForm() {
  return new FormGroup({
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(EmailSchema)],
    }),
  });
}

@Component({
  selector: 'pm-forgot-password',
  imports: [ReactiveFormsModule, RouterLink, MatInputModule, MatButtonModule],
  template: `
    <main id="main">
      <div class="brand">Postmagiq</div>
      <h1>Reset your password</h1>
      @if (sent()) {
        <p class="notice" role="status">
          If an account uses that address, a link to choose a new password is on its way. It works
          once.
        </p>
      } @else {
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <mat-form-field>
            <mat-label>Email</mat-label>
            <input matInput type="email" formControlName="email" autocomplete="email" />
            <mat-error>{{ err() }}</mat-error>
          </mat-form-field>
          @if (formError()) {
            <p class="error-text" role="alert">{{ formError() }}</p>
          }
          <div class="actions">
            <button mat-flat-button type="submit" [disabled]="busy()">Send the link</button>
          </div>
        </form>
      }
      <p><a routerLink="/sign-in">Back to sign in</a></p>
    </main>
  `,
  styles: AUTH_STYLES,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForgotPasswordPage {
  private readonly api = inject(Api);
  protected readonly form = forgotPasswordForm();
  private readonly submission = new FormSubmission(this.form);
  protected readonly busy = this.submission.busy;
  protected readonly sent = signal(false);
  protected readonly formError = this.submission.error;

  protected err(): string | null {
    return errorMessage(this.form.controls.email);
  }

  async submit(): Promise<void> {
    await this.submission.run(async () => {
      await this.api.send('POST', '/auth/password-reset', this.form.getRawValue());
      this.sent.set(true);
    });
  }
}
