import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import {
  EmailSchema,
  PasswordSchema,
  RegisterRequestSchema,
  TokenPairSchema,
} from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { SessionStore } from '../core/session.store';
import { errorMessage, zodValidator } from '../forms/zod-validator';
import { FormSubmission } from '../forms/form-submission';
import { AUTH_STYLES } from './auth-layout';
import { safeReturnUrl } from './sign-in.page';

export function registerForm() {
  return new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(RegisterRequestSchema.shape.name)],
    }),
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(EmailSchema)],
    }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(PasswordSchema)],
    }),
  });
}

@Component({
  selector: 'pm-register',
  imports: [ReactiveFormsModule, RouterLink, MatInputModule, MatButtonModule],
  template: `
    <main id="main">
      <div class="brand">Postmagiq</div>
      <h1>Create an account</h1>
      <p class="muted">You get a workspace of your own; teammates can invite you to theirs.</p>
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
        <mat-form-field>
          <mat-label>Your name</mat-label>
          <input matInput formControlName="name" autocomplete="name" />
          <mat-error>{{ err('name') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Email</mat-label>
          <input matInput type="email" formControlName="email" autocomplete="email" />
          <mat-error>{{ err('email') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Password</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="new-password" />
          <mat-hint>At least 10 characters</mat-hint>
          <mat-error>{{ err('password') }}</mat-error>
        </mat-form-field>
        @if (formError()) {
          <p class="error-text" role="alert">{{ formError() }}</p>
        }
        <div class="actions">
          <button mat-flat-button type="submit" [disabled]="busy()">Create account</button>
        </div>
      </form>
      <p>
        Already have an account?
        <a routerLink="/sign-in" [queryParams]="{ returnUrl: returnUrl() }">Sign in</a>
      </p>
    </main>
  `,
  styles: AUTH_STYLES,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegisterPage {
  readonly returnUrl = input<string>();
  private readonly api = inject(Api);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  protected readonly form = registerForm();
  private readonly submission = new FormSubmission(this.form);
  protected readonly busy = this.submission.busy;
  protected readonly formError = this.submission.error;

  protected err(name: 'name' | 'email' | 'password'): string | null {
    return errorMessage(this.form.controls[name]);
  }

  async submit(): Promise<void> {
    await this.submission.run(async () => {
      this.session.adopt(
        await this.api.post('/auth/register', TokenPairSchema, this.form.getRawValue()),
      );
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    });
  }
}
