import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { NextStoryEntrySchema, pageSchema, PostSchema, RunListSchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { formatDate, formatUsd, statusLabel } from '../core/format';
import { SessionStore } from '../core/session.store';
import { LoadStateComponent } from '../ui/load-state.component';

const PostPageSchema = pageSchema(PostSchema);

/** First instant of the current month (UTC), as the runs filter takes it. */
export function monthStart(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

@Component({
  selector: 'pm-dashboard',
  imports: [RouterLink, MatButtonModule, LoadStateComponent],
  template: `
    <main class="page" id="main">
      <h1>Dashboard</h1>
      <div class="grid">
        <section class="card" aria-labelledby="next-h">
          <h2 id="next-h">What to write next</h2>
          <pm-load-state
            [loading]="next.isLoading()"
            [error]="next.error()"
            [empty]="!next.value()?.entry"
          >
            <p empty>
              Nothing planned. <a routerLink="/strategies">Plan story entries in a strategy.</a>
            </p>
            @if (next.value(); as n) {
              @if (n.entry; as e) {
                <p>
                  <strong>{{ e.title || e.topic }}</strong>
                </p>
                <p class="muted">
                  {{ n.strategy?.name }} · chapter {{ n.chapter?.number }} ({{ n.chapter?.theme }})
                  · week {{ e.weekNumber }}
                </p>
                <p class="muted">
                  {{ n.remaining }} planned entr{{ n.remaining === 1 ? 'y' : 'ies' }} left
                </p>
                @if (session.canWrite()) {
                  <a mat-flat-button routerLink="/runs/new" [queryParams]="{ entry: e.id }"
                    >Write this</a
                  >
                }
              }
            }
          </pm-load-state>
        </section>

        <section class="card" aria-labelledby="spend-h">
          <h2 id="spend-h">This month's spend</h2>
          <pm-load-state [loading]="month.isLoading()" [error]="month.error()">
            <p class="big" data-testid="month-spend">{{ monthSpend() }}</p>
            <p class="muted">
              over {{ month.value()?.total ?? 0 }} run(s) started since {{ monthLabel }}
            </p>
          </pm-load-state>
        </section>

        <section class="card" aria-labelledby="approval-h">
          <h2 id="approval-h">Awaiting your approval</h2>
          <pm-load-state
            [loading]="awaiting.isLoading()"
            [error]="awaiting.error()"
            [empty]="awaiting.value()?.items?.length === 0"
          >
            <p empty>No run is waiting for a decision.</p>
            <ul>
              @for (r of awaiting.value()?.items ?? []; track r.id) {
                <li>
                  <a [routerLink]="['/runs', r.id]"
                    >{{ r.workflow }} · {{ formatDate(r.createdAt) }}</a
                  >
                </li>
              }
            </ul>
          </pm-load-state>
        </section>

        <section class="card" aria-labelledby="drafts-h">
          <h2 id="drafts-h">Drafts in progress</h2>
          <pm-load-state
            [loading]="drafts.isLoading()"
            [error]="drafts.error()"
            [empty]="drafts.value()?.items?.length === 0"
          >
            <p empty>No drafts.</p>
            <ul>
              @for (p of drafts.value()?.items ?? []; track p.id) {
                <li>
                  <a [routerLink]="['/posts', p.id]">{{ p.title }}</a>
                  <span class="muted">· {{ p.wordCount }} words</span>
                </li>
              }
            </ul>
          </pm-load-state>
        </section>
      </div>

      <section aria-labelledby="recent-h">
        <h2 id="recent-h">Recent runs</h2>
        <pm-load-state
          [loading]="recent.isLoading()"
          [error]="recent.error()"
          [empty]="recent.value()?.items?.length === 0"
        >
          <p empty>No runs yet.</p>
          <div class="scroll" tabindex="0" role="region" aria-label="Recent runs, scrolls sideways">
            <table class="plain">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col">State</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                @for (r of recent.value()?.items ?? []; track r.id) {
                  <tr>
                    <td>
                      <a [routerLink]="['/runs', r.id]">{{ r.workflow }}</a>
                    </td>
                    <td>
                      <span class="status" [class]="r.status">{{ statusLabel(r.status) }}</span>
                    </td>
                    <td>{{ r.currentState }}</td>
                    <td>{{ formatUsd(r.usage.costUsd) }}</td>
                    <td>{{ formatDate(r.createdAt) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
          <p><a routerLink="/runs">All runs</a></p>
        </pm-load-state>
      </section>
    </main>
  `,
  styles: `
    .scroll {
      overflow-x: auto;
    }
    .big {
      font: var(--mat-sys-display-small);
      margin: 0;
    }
    ul {
      margin: 0;
      padding-left: 20px;
    }
    li {
      margin: 4px 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardPage {
  private readonly api = inject(Api);
  protected readonly session = inject(SessionStore);
  protected readonly formatDate = formatDate;
  protected readonly formatUsd = formatUsd;
  protected readonly statusLabel = statusLabel;
  protected readonly monthLabel = formatDate(monthStart()).split(',')[0];

  protected readonly next = resource({
    loader: () => this.api.get('/story-entries/next', NextStoryEntrySchema),
  });
  protected readonly awaiting = resource({
    loader: () =>
      this.api.get('/workflows/runs', RunListSchema, { status: 'awaiting_approval', limit: 10 }),
  });
  protected readonly recent = resource({
    loader: () => this.api.get('/workflows/runs', RunListSchema, { limit: 10 }),
  });
  protected readonly month = resource({
    loader: () =>
      this.api.get('/workflows/runs', RunListSchema, { from: monthStart(), limit: 200 }),
  });
  protected readonly drafts = resource({
    loader: () => this.api.get('/posts', PostPageSchema, { status: 'draft', limit: 10 }),
  });
  protected readonly monthSpend = computed(() =>
    formatUsd((this.month.value()?.items ?? []).reduce((sum, r) => sum + r.usage.costUsd, 0)),
  );
}
