import { CdkDrag, CdkDragDrop, CdkDropList } from '@angular/cdk/drag-drop';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  resource,
  signal,
} from '@angular/core';
import { FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import {
  Chapter,
  ChapterSchema,
  StoryEntryDto,
  StoryEntryStatusSchema,
  GoalSchema,
  GoalStatus,
  GoalStatusSchema,
  pageSchema,
  StoryEntryDtoSchema,
  StoryShapeSchema,
  StrategySchema,
} from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { ApiError, toApiError } from '../core/problem';
import { SessionStore } from '../core/session.store';
import { applyServerErrors, errorMessage } from '../forms/zod-validator';
import { LoadStateComponent } from '../ui/load-state.component';
import { PagerComponent } from '../ui/pager.component';
import { chapterForm, entryForm, goalForm, moveId, strategyForm } from './strategy-forms';

const ChapterPage = pageSchema(ChapterSchema);
const EntryPage = pageSchema(StoryEntryDtoSchema);
const GoalPage = pageSchema(GoalSchema);

@Component({
  selector: 'pm-strategy',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    MatSelectModule,
    CdkDropList,
    CdkDrag,
    LoadStateComponent,
    PagerComponent,
  ],
  templateUrl: './strategy.page.html',
  styleUrl: './strategy.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StrategyPage {
  readonly id = input.required<string>();
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionStore);
  protected readonly shapes = StoryShapeSchema.options;
  protected readonly goalStatuses = GoalStatusSchema.options;

  protected readonly strategy = resource({
    params: () => this.id(),
    loader: ({ params }) => this.api.get(`/strategies/${params}`, StrategySchema),
  });
  protected readonly notFound = computed(
    () =>
      this.strategy.error() instanceof ApiError &&
      (this.strategy.error() as ApiError).status === 404,
  );
  protected readonly chapters = resource({
    params: () => this.id(),
    loader: ({ params }) =>
      this.api.get(`/strategies/${params}/chapters`, ChapterPage, { limit: 100 }),
  });
  protected readonly selectedChapterId = signal<string | null>(null);
  protected readonly selectedChapter = computed(() => {
    const items = this.chapters.value()?.items ?? [];
    return items.find((c) => c.id === this.selectedChapterId()) ?? items[0] ?? null;
  });
  protected readonly entriesOffset = signal(0);
  protected readonly entries = resource({
    params: () =>
      this.selectedChapter()
        ? { chapter: this.selectedChapter()?.id as string, offset: this.entriesOffset() }
        : undefined,
    loader: ({ params }) =>
      this.api.get(`/chapters/${params.chapter}/story-entries`, EntryPage, {
        limit: 100,
        offset: params.offset,
      }),
  });
  protected readonly goals = resource({
    params: () => this.id(),
    loader: ({ params }) => this.api.get('/goals', GoalPage, { strategyId: params, limit: 100 }),
  });

  protected readonly editForm = strategyForm();
  protected readonly editing = signal(false);
  protected readonly chapterForm = chapterForm();
  protected readonly entryForm = entryForm();
  protected readonly goalForm = goalForm();
  protected readonly errors = signal<Record<string, string | null>>({});
  /** The chapter or entry the form below its list edits (null: the form adds a new one). */
  protected readonly editingChapter = signal<Chapter | null>(null);
  protected readonly editingEntry = signal<StoryEntryDto | null>(null);
  protected readonly entryStatuses = StoryEntryStatusSchema.options;
  protected readonly busy = signal(false);

  protected err(form: FormGroup, name: string): string | null {
    return errorMessage(form.get(name));
  }

  protected startEdit(): void {
    const s = this.strategy.value();
    if (!s) return;
    this.editForm.setValue({ name: s.name, thesis: s.thesis, enemy: s.enemy });
    this.editing.set(true);
  }

  async saveStrategy(): Promise<void> {
    if (
      await this.submit('strategy', this.editForm, () =>
        this.api.patch(`/strategies/${this.id()}`, StrategySchema, this.editForm.getRawValue()),
      )
    ) {
      this.editing.set(false);
      this.strategy.reload();
    }
  }

  async setArchived(archived: boolean): Promise<void> {
    await this.run('strategy', () =>
      this.api.patch(`/strategies/${this.id()}`, StrategySchema, { archived }),
    );
    this.strategy.reload();
  }

  async deleteStrategy(): Promise<void> {
    if (!confirm('Delete this strategy with its chapters and story entries?')) return;
    if (await this.run('strategy', () => this.api.send('DELETE', `/strategies/${this.id()}`)))
      await this.router.navigate(['/strategies']);
  }

  protected editChapter(c: Chapter): void {
    this.chapterForm.setValue({ theme: c.theme, title: c.title, weeks: c.weeks });
    this.editingChapter.set(c);
  }

  protected editEntry(e: StoryEntryDto): void {
    this.entryForm.setValue({
      topic: e.topic,
      title: e.title,
      storySource: e.storySource,
      shape: e.shape,
      status: e.status,
    });
    this.editingEntry.set(e);
  }

  protected cancelEdit(kind: 'chapter' | 'entry'): void {
    if (kind === 'chapter') {
      this.editingChapter.set(null);
      this.chapterForm.reset();
    } else {
      this.editingEntry.set(null);
      this.entryForm.reset();
    }
  }

  async addChapter(): Promise<void> {
    const editing = this.editingChapter();
    const ok = await this.submit('chapter', this.chapterForm, async () => {
      if (editing) {
        await this.api.patch(
          `/chapters/${editing.id}`,
          ChapterSchema,
          this.chapterForm.getRawValue(),
        );
        return;
      }
      const created = await this.api.post(
        `/strategies/${this.id()}/chapters`,
        ChapterSchema,
        this.chapterForm.getRawValue(),
      );
      this.selectedChapterId.set(created.id);
    });
    if (ok) {
      this.cancelEdit('chapter');
      this.chapters.reload();
    }
  }

  async deleteChapter(id: string): Promise<void> {
    if (!confirm('Delete this chapter and its story entries?')) return;
    if (await this.run('chapter', () => this.api.send('DELETE', `/chapters/${id}`)))
      this.chapters.reload();
  }

  async dropChapter(event: CdkDragDrop<unknown>): Promise<void> {
    const items = this.chapters.value()?.items ?? [];
    const ids = moveId(
      items.map((c) => c.id),
      event.previousIndex,
      event.currentIndex,
    );
    if (event.previousIndex === event.currentIndex) return;
    const ordered = ids.map((id) => items.find((c) => c.id === id)).filter((c) => c !== undefined);
    this.chapters.set({
      ...(this.chapters.value() as NonNullable<ReturnType<typeof this.chapters.value>>),
      items: ordered,
    });
    await this.run('chapter', () =>
      this.api.put(`/strategies/${this.id()}/chapters/order`, ChapterPage, { ids }),
    );
    this.chapters.reload();
  }

  async addEntry(): Promise<void> {
    const chapter = this.selectedChapter();
    if (!chapter) return;
    const editing = this.editingEntry();
    const ok = await this.submit('entry', this.entryForm, () =>
      editing
        ? this.api.patch(
            `/story-entries/${editing.id}`,
            StoryEntryDtoSchema,
            this.entryForm.getRawValue(),
          )
        : this.api.post(
            `/chapters/${chapter.id}/story-entries`,
            StoryEntryDtoSchema,
            this.entryForm.getRawValue(),
          ),
    );
    if (ok) {
      this.cancelEdit('entry');
      this.entries.reload();
      this.chapters.reload();
    }
  }

  async deleteEntry(id: string): Promise<void> {
    if (!confirm('Delete this story entry?')) return;
    if (await this.run('entry', () => this.api.send('DELETE', `/story-entries/${id}`)))
      this.entries.reload();
  }

  async dropEntry(event: CdkDragDrop<unknown>): Promise<void> {
    const chapter = this.selectedChapter();
    const page = this.entries.value();
    if (!chapter || !page || event.previousIndex === event.currentIndex) return;
    const ids = moveId(
      page.items.map((e) => e.id),
      event.previousIndex,
      event.currentIndex,
    );
    this.entries.set({
      ...page,
      items: ids.map((id) => page.items.find((e) => e.id === id)).filter((e) => e !== undefined),
    });
    await this.run('entry', () =>
      this.api.put(`/chapters/${chapter.id}/story-entries/order`, EntryPage, { ids }),
    );
    this.entries.reload();
  }

  async addGoal(): Promise<void> {
    const v = this.goalForm.getRawValue();
    const ok = await this.submit('goal', this.goalForm, () =>
      this.api.post('/goals', GoalSchema, {
        ...v,
        strategyId: this.id(),
        targetValue: v.targetValue ?? null,
        dueOn: v.dueOn || null,
      }),
    );
    if (ok) {
      this.goalForm.reset();
      this.goals.reload();
    }
  }

  async setGoalStatus(id: string, status: GoalStatus): Promise<void> {
    if (await this.run('goal', () => this.api.patch(`/goals/${id}`, GoalSchema, { status })))
      this.goals.reload();
  }

  /** Keyboard alternative to dragging: move an item one place up or down. */
  async nudge(kind: 'chapter' | 'entry', index: number, by: -1 | 1): Promise<void> {
    const fake = { previousIndex: index, currentIndex: index + by } as CdkDragDrop<unknown>;
    const count =
      kind === 'chapter'
        ? (this.chapters.value()?.items.length ?? 0)
        : (this.entries.value()?.items.length ?? 0);
    if (index + by < 0 || index + by >= count) return;
    await (kind === 'chapter' ? this.dropChapter(fake) : this.dropEntry(fake));
  }

  private async submit(
    key: string,
    form: FormGroup,
    call: () => Promise<unknown>,
  ): Promise<boolean> {
    form.markAllAsTouched();
    if (form.invalid) return false;
    this.busy.set(true);
    this.errors.update((e) => ({ ...e, [key]: null }));
    try {
      await call();
      return true;
    } catch (e) {
      this.errors.update((x) => ({ ...x, [key]: applyServerErrors(form, toApiError(e)) }));
      return false;
    } finally {
      this.busy.set(false);
    }
  }

  private async run(key: string, call: () => Promise<unknown>): Promise<boolean> {
    this.busy.set(true);
    this.errors.update((e) => ({ ...e, [key]: null }));
    try {
      await call();
      return true;
    } catch (e) {
      this.errors.update((x) => ({ ...x, [key]: toApiError(e).message }));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
