import { ChangeDetectionStrategy, Component, inject, resource, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { pageSchema, StrategySchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { SessionStore } from '../core/session.store';
import { errorMessage } from '../forms/zod-validator';
import { FormSubmission } from '../forms/form-submission';
import { LoadStateComponent } from '../ui/load-state.component';
import { PagerComponent } from '../ui/pager.component';
import { strategyForm } from './strategy-forms';

@Component({
  selector: 'pm-strategies',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    LoadStateComponent,
    PagerComponent,
  ],
  template: `
    <main class="page" id="main">
      <h1>Content strategy</h1>
      <p class="muted">
        A strategy argues one thesis across chapters; each chapter has a story entry per week.
      </p>
      <pm-load-state
        [loading]="list.isLoading()"
        [error]="list.error()"
        [empty]="list.value()?.items?.length === 0"
      >
        <p empty>No strategy yet.</p>
        <ul class="cards">
          @for (s of list.value()?.items ?? []; track s.id) {
            <li class="card">
              <h2>
                <a [routerLink]="['/strategies', s.id]">{{ s.name }}</a>
              </h2>
              @if (s.archived) {
                <span class="status">archived</span>
              }
              <p>{{ s.thesis || 'No thesis yet.' }}</p>
              <p class="muted">{{ s.chapterCount }} chapter(s)</p>
            </li>
          }
        </ul>
        @if (list.value(); as page) {
          <pm-pager
            [total]="page.total"
            [limit]="page.limit"
            [offset]="page.offset"
            (offsetChange)="offset.set($event)"
          />
        }
      </pm-load-state>

      @if (session.canWrite()) {
        <section class="card" aria-labelledby="new-h">
          <h2 id="new-h">New strategy</h2>
          <form [formGroup]="form" (ngSubmit)="create()" class="form" novalidate>
            <mat-form-field>
              <mat-label>Name</mat-label>
              <input matInput formControlName="name" />
              <mat-error>{{ err('name') }}</mat-error>
            </mat-form-field>
            <mat-form-field>
              <mat-label>Thesis</mat-label>
              <textarea matInput formControlName="thesis" rows="2"></textarea>
              <mat-error>{{ err('thesis') }}</mat-error>
            </mat-form-field>
            <mat-form-field>
              <mat-label>Enemy (what it argues against)</mat-label>
              <input matInput formControlName="enemy" />
              <mat-error>{{ err('enemy') }}</mat-error>
            </mat-form-field>
            @if (formError()) {
              <p class="error-text" role="alert">{{ formError() }}</p>
            }
            <button mat-flat-button type="submit" [disabled]="busy()">Create strategy</button>
          </form>
        </section>
      }
    </main>
  `,
  styles: `
    .cards {
      list-style: none;
      padding: 0;
      display: grid;
      gap: 12px;
      grid-template-columns: repeat(auto-fill, minmax(280px, 1fr));
    }
    .cards h2 {
      margin-top: 0;
    }
    .form {
      display: flex;
      flex-direction: column;
      max-width: 560px;
    }
    section.card {
      margin-top: 24px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StrategiesPage {
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionStore);
  protected readonly offset = signal(0);
  protected readonly list = resource({
    params: () => this.offset(),
    loader: ({ params }) =>
      this.api.get('/strategies', pageSchema(StrategySchema), { limit: 20, offset: params }),
  });
  protected readonly form = strategyForm();
  private readonly submission = new FormSubmission(this.form);
  protected readonly busy = this.submission.busy;
  protected readonly formError = this.submission.error;

  protected err(name: 'name' | 'thesis' | 'enemy'): string | null {
    return errorMessage(this.form.controls[name]);
  }

  async create(): Promise<void> {
    await this.submission.run(async () => {
      const created = await this.api.post('/strategies', StrategySchema, this.form.getRawValue());
      await this.router.navigate(['/strategies', created.id]);
    });
  }
}
