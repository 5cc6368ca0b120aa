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
import {
  FinishedPostSchema,
  pageSchema,
  PostSchema,
  PostStatusSchema,
  RunListSchema,
  SearchResultSchema,
  SemanticSearchQuerySchema,
} from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { formatDate, formatUsd, statusLabel } from '../core/format';
import { errorMessage, zodValidator } from '../forms/zod-validator';
import { LoadStateComponent } from '../ui/load-state.component';
import { PagerComponent } from '../ui/pager.component';

const LIMIT = 20;

export function searchForm() {
  return new FormControl('', {
    nonNullable: true,
    validators: [zodValidator(SemanticSearchQuerySchema.shape.q)],
  });
}

@Component({
  selector: 'pm-posts',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    MatSelectModule,
    LoadStateComponent,
    PagerComponent,
  ],
  templateUrl: './posts.page.html',
  styles: `
    .tabs {
      display: flex;
      gap: 8px;
      margin-bottom: 16px;
    }
    .tabs button[aria-selected='true'] {
      background: var(--mat-sys-secondary-container);
    }
    .filters mat-form-field {
      width: 200px;
    }
    .hit {
      margin: 8px 0;
    }
    .scroll {
      overflow-x: auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PostsPage {
  private readonly api = inject(Api);
  protected readonly formatDate = formatDate;
  protected readonly formatUsd = formatUsd;
  protected readonly statusLabel = statusLabel;
  protected readonly statuses = PostStatusSchema.options;
  protected readonly tab = signal<'finished' | 'all'>('finished');

  protected readonly filters = new FormGroup({
    q: new FormControl('', { nonNullable: true }),
    status: new FormControl('', { nonNullable: true }),
    from: new FormControl('', { nonNullable: true }),
    to: new FormControl('', { nonNullable: true }),
  });
  private readonly applied = signal(this.filters.getRawValue());
  protected readonly offset = signal(0);

  protected readonly finished = resource({
    params: () =>
      this.tab() === 'finished' ? { ...this.applied(), offset: this.offset() } : undefined,
    loader: ({ params }) =>
      this.api.get('/finished-posts', pageSchema(FinishedPostSchema), {
        q: params.q,
        status: ['approved', 'published', 'archived'].includes(params.status)
          ? params.status
          : undefined,
        from: params.from,
        to: params.to,
        limit: LIMIT,
        offset: params.offset,
      }),
  });
  protected readonly all = resource({
    params: () =>
      this.tab() === 'all' ? { status: this.applied().status, offset: this.offset() } : undefined,
    loader: ({ params }) =>
      this.api.get('/posts', pageSchema(PostSchema), {
        status: params.status,
        limit: LIMIT,
        offset: params.offset,
      }),
  });
  /** Runs by story entry: a finished post's cost is what its story's runs cost. */
  private readonly runs = resource({
    loader: () => this.api.get('/workflows/runs', RunListSchema, { limit: 200 }),
  });
  protected readonly costByEntry = computed(() => {
    const m = new Map<string, number>();
    for (const r of this.runs.value()?.items ?? [])
      m.set(r.storyEntryId, (m.get(r.storyEntryId) ?? 0) + r.usage.costUsd);
    return m;
  });

  protected readonly semantic = searchForm();
  private readonly semanticQuery = signal<string | null>(null);
  protected readonly hits = resource({
    params: () => this.semanticQuery() ?? undefined,
    loader: ({ params }) =>
      this.api.get('/search', SearchResultSchema, { q: params, types: 'post', limit: 10 }),
  });

  protected cost(storyEntryId: string | null): string {
    if (!storyEntryId) return '—';
    const c = this.costByEntry().get(storyEntryId);
    return c === undefined ? '—' : formatUsd(c);
  }

  protected semanticError(): string | null {
    return errorMessage(this.semantic);
  }

  protected show(tab: 'finished' | 'all'): void {
    this.tab.set(tab);
    this.offset.set(0);
  }

  protected apply(): void {
    this.offset.set(0);
    this.applied.set(this.filters.getRawValue());
  }

  protected search(): void {
    this.semantic.markAsTouched();
    const q = this.semantic.value.trim();
    if (this.semantic.invalid || !q) return;
    this.semanticQuery.set(q);
  }
}
