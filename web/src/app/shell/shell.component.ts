import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatSelectModule } from '@angular/material/select';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MyWorkspace, MyWorkspaceSchema, TokenPairSchema } from '@postmagiq/contracts';
import { z } from 'zod';
import { Api } from '../core/api.service';
import { SessionStore } from '../core/session.store';
import { ThemeService } from '../core/theme.service';

/** The signed-in frame: navigation, workspace switcher, theme toggle, sign out. */
@Component({
  selector: 'pm-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatButtonModule,
    MatSelectModule,
  ],
  template: `
    <a class="skip" href="#main">Skip to content</a>
    <header>
      <mat-toolbar class="bar">
        <a class="brand" routerLink="/">Postmagiq</a>
        <nav aria-label="Main">
          <a
            mat-button
            routerLink="/"
            routerLinkActive="active"
            [routerLinkActiveOptions]="{ exact: true }"
            >Dashboard</a
          >
          <a mat-button routerLink="/strategies" routerLinkActive="active">Strategy</a>
          <a mat-button routerLink="/runs" routerLinkActive="active">Runs</a>
          <a mat-button routerLink="/posts" routerLinkActive="active">Posts</a>
          <a mat-button routerLink="/voice" routerLinkActive="active">Voice</a>
        </nav>
        <span class="spacer"></span>
        @if (workspaces().length > 1) {
          <mat-form-field class="ws" subscriptSizing="dynamic" appearance="outline">
            <mat-label>Workspace</mat-label>
            <mat-select
              [value]="session.workspace()?.id"
              (selectionChange)="switchTo($event.value)"
              data-testid="workspace-switcher"
            >
              @for (w of workspaces(); track w.id) {
                <mat-option [value]="w.id">{{ w.name }} ({{ w.role }})</mat-option>
              }
            </mat-select>
          </mat-form-field>
        } @else {
          <span class="ws-name" data-testid="workspace-name">{{ session.workspace()?.name }}</span>
        }
        <span class="role">{{ session.role() }}</span>
        <button
          mat-button
          type="button"
          (click)="theme.toggle()"
          [attr.aria-pressed]="theme.mode() === 'dark'"
        >
          {{ theme.mode() === 'dark' ? 'Light' : 'Dark' }} theme
        </button>
        <button mat-button type="button" (click)="signOut()">Sign out</button>
      </mat-toolbar>
    </header>
    @if (switchError()) {
      <p class="page error-text" role="alert">{{ switchError() }}</p>
    }
    <router-outlet />
  `,
  styles: `
    .bar {
      flex-wrap: wrap;
      height: auto;
      min-height: 64px;
      gap: 4px;
      background: var(--mat-sys-surface-container);
    }
    .brand {
      font: var(--mat-sys-title-large);
      color: var(--mat-sys-on-surface);
      text-decoration: none;
      margin-right: 12px;
    }
    nav {
      display: flex;
      flex-wrap: wrap;
    }
    nav a.active {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .spacer {
      flex: 1;
    }
    .ws {
      width: 240px;
      font-size: 14px;
      margin: 4px 0;
    }
    .ws-name,
    .role {
      font: var(--mat-sys-body-medium);
      margin: 0 8px;
    }
    .role {
      color: var(--mat-sys-on-surface-variant);
    }
    .skip {
      position: absolute;
      left: -9999px;
    }
    .skip:focus {
      left: 8px;
      top: 8px;
      z-index: 10;
      background: var(--mat-sys-surface);
      padding: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShellComponent implements OnInit {
  protected readonly session = inject(SessionStore);
  protected readonly theme = inject(ThemeService);
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly workspaces = signal<MyWorkspace[]>([]);
  protected readonly switchError = signal<string | null>(null);

  ngOnInit(): void {
    this.api.get('/workspaces', z.array(MyWorkspaceSchema)).then(
      (list) => this.workspaces.set(list),
      () => this.workspaces.set([]),
    );
  }

  /** New tokens for the other workspace; every page reloads its data under them. */
  async switchTo(id: string): Promise<void> {
    if (id === this.session.workspace()?.id) return;
    try {
      this.session.adopt(await this.api.post(`/workspaces/${id}/switch`, TokenPairSchema));
      this.switchError.set(null);
      await this.router.navigateByUrl('/', { onSameUrlNavigation: 'reload' });
      location.reload();
    } catch (e) {
      this.switchError.set((e as Error).message);
    }
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session.session()?.refreshToken;
    try {
      await this.api.send('POST', '/auth/logout', refreshToken ? { refreshToken } : {});
    } catch {
      /* signing out locally is what matters */
    }
    this.session.clear();
    await this.router.navigate(['/sign-in'], { queryParams: { reason: 'signed-out' } });
  }
}
