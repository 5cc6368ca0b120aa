import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  resource,
  signal,
} from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import {
  EDITABLE_POST_STATUSES,
  POST_TRANSITIONS,
  pageSchema,
  PostLintSchema,
  PostSchema,
  PostStatus,
  PostVersionSchema,
  SimilarPostSchema,
  UpdatePostRequestSchema,
} from '@postmagiq/contracts';
import { z } from 'zod';
import { Api } from '../core/api.service';
import { formatDate, statusLabel } from '../core/format';
import { ApiError, toApiError } from '../core/problem';
import { SessionStore } from '../core/session.store';
import { applyServerErrors, errorMessage, zodValidator } from '../forms/zod-validator';
import { LoadStateComponent } from '../ui/load-state.component';
import { diffLines } from './line-diff';
import { lintSegments } from './lint-segments';
import { LinkedinPreviewComponent } from './linkedin-preview.component';

const u = UpdatePostRequestSchema.shape;

export function postEditForm() {
  return new FormGroup({
    title: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(u.title)],
    }),
    content: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(u.content)],
    }),
    note: new FormControl('', { nonNullable: true, validators: [zodValidator(u.note)] }),
  });
}

@Component({
  selector: 'pm-post',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    MatSelectModule,
    LoadStateComponent,
    LinkedinPreviewComponent,
  ],
  templateUrl: './post.page.html',
  styleUrl: './post.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PostPage {
  readonly id = input.required<string>();
  private readonly api = inject(Api);
  protected readonly session = inject(SessionStore);
  protected readonly formatDate = formatDate;
  protected readonly statusLabel = statusLabel;

  protected readonly post = resource({
    params: () => this.id(),
    loader: ({ params }) => this.api.get(`/posts/${params}`, PostSchema),
  });
  protected readonly notFound = computed(
    () =>
      this.post.error() instanceof ApiError &&
      [400, 404].includes((this.post.error() as ApiError).status),
  );
  protected readonly versions = resource({
    params: () => ({ id: this.id(), v: this.post.value()?.currentVersion }),
    loader: ({ params }) =>
      this.api.get(`/posts/${params.id}/versions`, pageSchema(PostVersionSchema), { limit: 100 }),
  });
  protected readonly lint = resource({
    params: () => ({ id: this.id(), v: this.post.value()?.currentVersion }),
    loader: ({ params }) => this.api.get(`/posts/${params.id}/lint`, PostLintSchema),
  });
  protected readonly similar = resource({
    params: () => ({ id: this.id(), v: this.post.value()?.currentVersion }),
    // the post's earlier versions are indexed too: never list the post as similar to itself
    loader: async ({ params }) =>
      (
        await this.api.get(`/posts/${params.id}/similar`, z.array(SimilarPostSchema), { limit: 6 })
      ).filter((s) => s.post.id !== params.id),
  });

  protected readonly moves = computed<readonly PostStatus[]>(() => {
    const p = this.post.value();
    return p && this.session.canWrite() ? POST_TRANSITIONS[p.status] : [];
  });
  protected readonly editable = computed(() => {
    const p = this.post.value();
    return !!p && this.session.canWrite() && EDITABLE_POST_STATUSES.includes(p.status);
  });
  protected readonly form = postEditForm();
  protected readonly editing = signal(false);
  protected readonly draftText = signal<string | null>(null);
  protected readonly previewText = computed(
    () => this.draftText() ?? this.post.value()?.content ?? '',
  );
  protected readonly compareA = signal<number | null>(null);
  protected readonly compareB = signal<number | null>(null);
  protected readonly diff = computed(() => {
    const list = this.versions.value()?.items ?? [];
    const a = list.find((v) => v.number === this.compareA());
    const b = list.find((v) => v.number === this.compareB());
    return a && b ? diffLines(a.content, b.content) : null;
  });
  /** The current text with the lint findings marked where they apply. */
  protected readonly marked = computed(() => {
    const p = this.post.value();
    const l = this.lint.value();
    return p && l ? lintSegments(p.content, l.findings) : [];
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal<string | null>(null);

  protected err(name: 'title' | 'content' | 'note'): string | null {
    return errorMessage(this.form.controls[name]);
  }

  protected startEdit(): void {
    const p = this.post.value();
    if (!p) return;
    this.form.setValue({ title: p.title, content: p.content, note: '' });
    this.draftText.set(p.content);
    this.form.controls.content.valueChanges.subscribe((v) => this.draftText.set(v));
    this.editing.set(true);
  }

  protected cancelEdit(): void {
    this.editing.set(false);
    this.draftText.set(null);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid) return;
    const p = this.post.value();
    if (!p) return;
    const v = this.form.getRawValue();
    const body: Record<string, string> = {};
    if (v.title !== p.title) body['title'] = v.title;
    if (v.content !== p.content) body['content'] = v.content;
    if (v.note.trim()) body['note'] = v.note.trim();
    await this.act(async () => {
      this.post.set(await this.api.patch(`/posts/${p.id}`, PostSchema, body));
      this.cancelEdit();
    }, this.form);
  }

  async move(to: PostStatus): Promise<void> {
    await this.act(async () =>
      this.post.set(await this.api.post(`/posts/${this.id()}/transition`, PostSchema, { to })),
    );
  }

  async copyExport(): Promise<void> {
    await this.act(async () => {
      const text = await this.api.text(`/posts/${this.id()}/export`);
      await navigator.clipboard.writeText(text);
      this.copied.set(`Copied ${[...text].length} characters.`);
    });
  }

  protected compare(a: number, b: number): void {
    this.compareA.set(a);
    this.compareB.set(b);
  }

  private async act(call: () => Promise<void>, form?: FormGroup): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    this.copied.set(null);
    try {
      await call();
    } catch (e) {
      const error = toApiError(e);
      this.error.set(form ? applyServerErrors(form, error) : error.message);
    } finally {
      this.busy.set(false);
    }
  }
}
