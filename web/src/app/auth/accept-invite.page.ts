import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';
import { TokenPairSchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { SessionStore } from '../core/session.store';

/** The page the invite mail links to (`/invites/accept?token=…`); sign-in comes first. */
@Component({
  selector: 'pm-accept-invite',
  imports: [RouterLink, MatButtonModule],
  template: `
    <main id="main" class="page">
      <h1>Accept an invite</h1>
      @if (!token()) {
        <p class="error-text" role="alert">This link has no invite token.</p>
      } @else {
        <p>
          You are signed in as <strong>{{ session.user()?.email }}</strong>. The invite must have
          been sent to this address.
        </p>
        @if (error()) {
          <p class="error-text" role="alert">{{ error() }}</p>
        }
        <div class="row">
          <button mat-flat-button type="button" (click)="accept()" [disabled]="busy()">
            Join the workspace
          </button>
          <a routerLink="/">Not now</a>
        </div>
      }
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AcceptInvitePage {
  readonly token = input<string>();
  protected readonly session = inject(SessionStore);
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  async accept(): Promise<void> {
    this.busy.set(true);
    try {
      this.session.adopt(
        await this.api.post('/invites/accept', TokenPairSchema, { token: this.token() }),
      );
      await this.router.navigateByUrl('/');
      location.reload();
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.busy.set(false);
    }
  }
}
