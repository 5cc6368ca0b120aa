import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  OnInit,
  resource,
  signal,
} from '@angular/core';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import {
  AgentCallView,
  AuditResultSchema,
  EditRunRequestSchema,
  pageSchema,
  PostSchema,
  RejectRunRequestSchema,
  RunDetailSchema,
  RunEvent,
  RunSummarySchema,
  WorkflowDefinitionDetailSchema,
} from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { formatDate, formatUsd, statusLabel } from '../core/format';
import { ApiError, toApiError } from '../core/problem';
import { SessionStore } from '../core/session.store';
import { errorMessage, zodValidator } from '../forms/zod-validator';
import { LoadStateComponent } from '../ui/load-state.component';
import { AgentPaneComponent } from './agent-pane.component';
import { BreakerGaugesComponent } from './breaker-gauges.component';
import { browserSocket, RunStreamStore } from './run-stream.store';
import { WorkflowGraphComponent } from './workflow-graph.component';

/** Events after which the run's detail (breaker, calls, approval) is worth fetching again. */
const REFRESH_ON: ReadonlySet<RunEvent['type']> = new Set([
  'transition',
  'agent.finished',
  'approval.requested',
  'run.finished',
  'breaker.tripped',
]);

export function rejectForm() {
  return new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, zodValidator(RejectRunRequestSchema.shape.feedback)],
  });
}

export function editForm(text = '') {
  return new FormControl(text, {
    nonNullable: true,
    validators: [Validators.required, zodValidator(EditRunRequestSchema.shape.text)],
  });
}

/** The live run: state graph, agent panes, gates, auditor, breaker, approval, and the run's history. */
@Component({
  selector: 'pm-run',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    LoadStateComponent,
    WorkflowGraphComponent,
    AgentPaneComponent,
    BreakerGaugesComponent,
  ],
  templateUrl: './run.page.html',
  styleUrl: './run.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunPage implements OnInit {
  readonly id = input.required<string>();
  private readonly api = inject(Api);
  protected readonly session = inject(SessionStore);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly formatUsd = formatUsd;
  protected readonly formatDate = formatDate;
  protected readonly statusLabel = statusLabel;

  protected readonly detail = resource({
    params: () => this.id(),
    loader: ({ params }) => this.api.get(`/workflows/runs/${params}`, RunDetailSchema),
  });
  protected readonly notFound = computed(() => {
    const e = this.detail.error();
    return (
      (e instanceof ApiError && (e.status === 404 || e.status === 400)) ||
      this.stream()?.connection() === 'not-found'
    );
  });
  protected readonly definition = resource({
    params: () => this.detail.value()?.workflow,
    loader: ({ params }) =>
      this.api.get(
        `/workflows/definitions/${encodeURIComponent(params)}`,
        WorkflowDefinitionDetailSchema,
      ),
  });
  protected readonly stream = signal<RunStreamStore | null>(null);
  /** The post a completed run's text was stored in (the story's latest post). */
  protected readonly post = resource({
    params: () => (this.status() === 'completed' ? this.detail.value()?.storyEntryId : undefined),
    loader: ({ params }) =>
      this.api.get('/posts', pageSchema(PostSchema), { storyEntryId: params, limit: 1 }),
  });

  protected readonly status = computed(
    () => this.stream()?.status() ?? this.detail.value()?.status ?? null,
  );
  protected readonly costUsd = computed(() =>
    Math.max(this.detail.value()?.usage.costUsd ?? 0, this.stream()?.costUsd() ?? 0),
  );
  /** Visits per state: the stream's when it has seen any, else the detail's. */
  protected readonly visits = computed(() => {
    const live = this.stream()?.visits() ?? {};
    if (Object.keys(live).length) return live;
    const v: Record<string, number> = {};
    for (const s of this.detail.value()?.visits ?? []) v[s.state] = s.visit;
    return v;
  });
  protected readonly current = computed(
    () => this.stream()?.currentState() ?? this.detail.value()?.currentState ?? null,
  );
  protected readonly taken = computed(() => {
    const set = new Set<string>();
    for (const v of this.detail.value()?.visits ?? []) if (v.from) set.add(`${v.from}>${v.state}`);
    for (const t of this.stream()?.transitions() ?? [])
      if (t.type === 'transition') set.add(`${t.from}>${t.to}`);
    return set;
  });
  protected readonly panes = computed(() => Object.values(this.stream()?.panes() ?? {}));
  protected readonly approvalPost = computed(
    () =>
      this.stream()?.approval()?.post ??
      (this.status() === 'awaiting_approval'
        ? (this.detail.value()?.approval?.post ?? null)
        : null),
  );
  protected readonly audits = computed(() =>
    (this.detail.value()?.agentCalls ?? [])
      .filter((c) => c.persona === 'auditor' && c.output)
      .map((c) => ({ call: c, result: parseAudit(c.output as string) })),
  );
  protected readonly gateFindings = computed(() => this.stream()?.findings() ?? []);
  protected readonly trips = computed(() => this.stream()?.breakerTrips() ?? []);
  protected readonly canDecide = computed(
    () =>
      this.session.canWrite() &&
      this.status() === 'awaiting_approval' &&
      this.approvalPost() !== null,
  );

  protected readonly feedback = rejectForm();
  protected readonly edited = editForm();
  protected readonly mode = signal<'none' | 'reject' | 'edit'>('none');
  protected readonly actionError = signal<string | null>(null);
  protected readonly busy = signal(false);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  ngOnInit(): void {
    const store = new RunStreamStore(this.id(), {
      open: browserSocket,
      token: () => this.session.accessToken(),
      frame: (fn) => requestAnimationFrame(fn),
      later: (fn, ms) => setTimeout(fn, ms),
      cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      origin: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`,
    });
    store.onEvent((e) => {
      if (REFRESH_ON.has(e.type)) this.scheduleRefresh();
    });
    this.stream.set(store);
    store.start();
    this.destroyRef.onDestroy(() => {
      store.stop();
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
    });
  }

  protected finalOutput(agent: string): string | null {
    const calls = (this.detail.value()?.agentCalls ?? []).filter(
      (c: AgentCallView) => c.agent === agent,
    );
    return calls.at(-1)?.output ?? null;
  }

  protected err(control: FormControl<string>): string | null {
    return errorMessage(control);
  }

  protected openEdit(): void {
    this.edited.setValue(this.approvalPost() ?? '');
    this.mode.set('edit');
  }

  async approve(): Promise<void> {
    await this.act(() => this.api.post(`/workflows/runs/${this.id()}/approve`, RunSummarySchema));
  }

  async reject(): Promise<void> {
    this.feedback.markAsTouched();
    if (this.feedback.invalid) return;
    await this.act(
      () =>
        this.api.post(`/workflows/runs/${this.id()}/reject`, RunSummarySchema, {
          feedback: this.feedback.value,
        }),
      this.feedback,
    );
    if (!this.actionError()) this.feedback.reset();
  }

  async saveEdit(): Promise<void> {
    this.edited.markAsTouched();
    if (this.edited.invalid) return;
    await this.act(
      () =>
        this.api.post(`/workflows/runs/${this.id()}/edit`, RunSummarySchema, {
          text: this.edited.value,
        }),
      this.edited,
    );
  }

  async cancel(): Promise<void> {
    await this.act(() =>
      this.api.post(`/workflows/runs/${this.id()}/cancel`, RunSummarySchema, {}),
    );
  }

  async resume(): Promise<void> {
    await this.act(() =>
      this.api.post(`/workflows/runs/${this.id()}/resume`, RunSummarySchema, {}),
    );
    this.restartStream();
  }

  async extend(): Promise<void> {
    await this.act(() =>
      this.api.post(`/workflows/runs/${this.id()}/extend`, RunSummarySchema, {}),
    );
    this.restartStream();
  }

  /** Simulates a dropped connection: the stream resumes from the last event it holds. */
  protected reconnect(): void {
    this.stream()?.dropConnection();
  }

  private restartStream(): void {
    const s = this.stream();
    if (s && (s.connection() === 'closed' || s.connection() === 'reconnecting')) s.start();
  }

  private async act(call: () => Promise<unknown>, control?: FormControl<string>): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    try {
      await call();
      this.mode.set('none');
      this.detail.reload();
    } catch (e) {
      const error = toApiError(e);
      const field = control && (error.fieldErrors['feedback'] ?? error.fieldErrors['text']);
      if (field && control) {
        control.setErrors({ server: field });
      } else {
        this.actionError.set(error.message);
      }
    } finally {
      this.busy.set(false);
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.detail.reload();
    }, 300);
  }
}

function parseAudit(output: string) {
  try {
    const parsed = AuditResultSchema.safeParse(JSON.parse(output));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
