import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { EmailSchema, TokenPairSchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { SessionStore, SIGN_OUT_MESSAGES, SignOutReason } from '../core/session.store';
import { errorMessage, zodValidator } from '../forms/zod-validator';
import { FormSubmission } from '../forms/form-submission';
import { AUTH_STYLES } from './auth-layout';

export function signInForm() {
  return new FormGroup({
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(EmailSchema)],
    }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
}

/** Only same-site paths are followed after sign-in (never an absolute URL from a query string). */
export function safeReturnUrl(url: string | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') ? url : '/';
}

@Component({
  selector: 'pm-sign-in',
  imports: [ReactiveFormsModule, RouterLink, MatInputModule, MatButtonModule],
  template: `
    <main id="main">
      <div class="brand">Postmagiq</div>
      <h1>Sign in</h1>
      @if (notice()) {
        <p class="notice" role="status" data-testid="sign-in-notice">{{ notice() }}</p>
      }
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
        <mat-form-field>
          <mat-label>Email</mat-label>
          <input matInput type="email" formControlName="email" autocomplete="username" />
          <mat-error>{{ err('email') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Password</mat-label>
          <input
            matInput
            type="password"
            formControlName="password"
            autocomplete="current-password"
          />
          <mat-error>{{ err('password') }}</mat-error>
        </mat-form-field>
        @if (formError()) {
          <p class="error-text" role="alert">{{ formError() }}</p>
        }
        <div class="actions">
          <button mat-flat-button type="submit" [disabled]="busy()">Sign in</button>
          <a routerLink="/forgot-password">Forgot your password?</a>
        </div>
      </form>
      <p>
        New here?
        <a routerLink="/register" [queryParams]="{ returnUrl: returnUrl() }">Create an account</a>
      </p>
    </main>
  `,
  styles: AUTH_STYLES,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInPage {
  readonly reason = input<string>();
  readonly returnUrl = input<string>();
  private readonly api = inject(Api);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  protected readonly form = signInForm();
  private readonly submission = new FormSubmission(this.form);
  protected readonly busy = this.submission.busy;
  protected readonly formError = this.submission.error;
  protected readonly notice = computed(() => {
    const r = this.reason();
    return r && r in SIGN_OUT_MESSAGES ? SIGN_OUT_MESSAGES[r as SignOutReason] : null;
  });

  protected err(name: 'email' | 'password'): string | null {
    return errorMessage(this.form.controls[name]);
  }

  async submit(): Promise<void> {
    await this.submission.run(async () => {
      this.session.adopt(
        await this.api.post('/auth/login', TokenPairSchema, this.form.getRawValue()),
      );
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    });
  }
}
