import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  resource,
  signal,
} from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { RunListSchema, RunStatusSchema } from '@postmagiq/contracts';
import { Api, Query } from '../core/api.service';
import { formatDate, formatUsd, statusLabel } from '../core/format';
import { LoadStateComponent } from '../ui/load-state.component';
import { PagerComponent } from '../ui/pager.component';

const LIMIT = 20;

export function runFiltersForm() {
  return new FormGroup({
    status: new FormControl('', { nonNullable: true }),
    workflow: new FormControl('', { nonNullable: true }),
    storyEntryId: new FormControl('', { nonNullable: true }),
    from: new FormControl('', { nonNullable: true }),
    to: new FormControl('', { nonNullable: true }),
  });
}

/** The list query from the filter form: dates (YYYY-MM-DD) become the day's start / next day's start in UTC. */
export function runsQuery(
  f: ReturnType<ReturnType<typeof runFiltersForm>['getRawValue']>,
  offset: number,
): Query {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    status: f.status || undefined,
    workflow: f.workflow.trim() || undefined,
    storyEntryId: /^[0-9a-f-]{36}$/i.test(f.storyEntryId.trim())
      ? f.storyEntryId.trim()
      : undefined,
    from: f.from ? `${f.from}T00:00:00.000Z` : undefined,
    to: f.to ? nextDay(f.to) : undefined,
    limit: LIMIT,
    offset,
  };
}

@Component({
  selector: 'pm-runs',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    MatSelectModule,
    LoadStateComponent,
    PagerComponent,
  ],
  template: `
    <main class="page" id="main">
      <h1>Run history</h1>
      <form [formGroup]="filters" class="row filters" (ngSubmit)="apply()">
        <mat-form-field>
          <mat-label>Status</mat-label>
          <mat-select formControlName="status">
            <mat-option value="">Any</mat-option>
            @for (s of statuses; track s) {
              <mat-option [value]="s">{{ statusLabel(s) }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Workflow</mat-label>
          <input matInput formControlName="workflow" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Story entry id</mat-label>
          <input matInput formControlName="storyEntryId" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>From</mat-label>
          <input matInput type="date" formControlName="from" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>To</mat-label>
          <input matInput type="date" formControlName="to" />
        </mat-form-field>
        <button mat-stroked-button type="submit">Filter</button>
      </form>
      <pm-load-state
        [loading]="runs.isLoading()"
        [error]="runs.error()"
        [empty]="runs.value()?.items?.length === 0"
      >
        <p empty>No run matches.</p>
        <div class="scroll" tabindex="0" role="region" aria-label="Table, scrolls sideways">
          <table class="plain">
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Status</th>
                <th scope="col">State</th>
                <th scope="col">Cost</th>
                <th scope="col">Tokens in / out</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              @for (r of runs.value()?.items ?? []; track r.id) {
                <tr>
                  <td>
                    <a [routerLink]="['/runs', r.id]">{{ r.workflow }} · {{ r.id.slice(0, 8) }}</a>
                  </td>
                  <td>
                    <span class="status" [class]="r.status">{{ statusLabel(r.status) }}</span>
                  </td>
                  <td>{{ r.currentState }}</td>
                  <td>{{ formatUsd(r.usage.costUsd) }}</td>
                  <td>{{ r.usage.tokensIn }} / {{ r.usage.tokensOut }}</td>
                  <td>{{ formatDate(r.createdAt) }}</td>
                  <td>{{ formatDate(r.finishedAt) }}</td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        @if (runs.value(); as page) {
          <p class="muted">Total cost of this page: {{ pageCost() }}</p>
          <pm-pager
            [total]="page.total"
            [limit]="page.limit"
            [offset]="page.offset"
            (offsetChange)="offset.set($event)"
          />
        }
      </pm-load-state>
    </main>
  `,
  styles: `
    .filters mat-form-field {
      width: 180px;
    }
    .scroll {
      overflow-x: auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunsPage {
  private readonly api = inject(Api);
  protected readonly statuses = RunStatusSchema.options;
  protected readonly statusLabel = statusLabel;
  protected readonly formatUsd = formatUsd;
  protected readonly formatDate = formatDate;
  protected readonly filters = runFiltersForm();
  protected readonly offset = signal(0);
  private readonly applied = signal(this.filters.getRawValue());
  protected readonly runs = resource({
    params: () => runsQuery(this.applied(), this.offset()),
    loader: ({ params }) => this.api.get('/workflows/runs', RunListSchema, params),
  });
  protected readonly pageCost = computed(() =>
    formatUsd((this.runs.value()?.items ?? []).reduce((s, r) => s + r.usage.costUsd, 0)),
  );

  protected apply(): void {
    this.offset.set(0);
    this.applied.set(this.filters.getRawValue());
  }
}
