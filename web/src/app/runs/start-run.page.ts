import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  OnInit,
  resource,
  signal,
} from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import {
  AGENT_BACKENDS,
  AgentBackend,
  pageSchema,
  RunSummarySchema,
  StoryEntryDtoSchema,
  VoiceProfileDtoSchema,
  WorkflowDefinitionSummarySchema,
} from '@postmagiq/contracts';
import { z } from 'zod';
import { Api } from '../core/api.service';
import { toApiError } from '../core/problem';
import { applyServerErrors, errorMessage } from '../forms/zod-validator';
import { LoadStateComponent } from '../ui/load-state.component';

export function startRunForm() {
  return new FormGroup({
    workflow: new FormControl('linkedin_post', {
      nonNullable: true,
      validators: [Validators.required],
    }),
    voiceProfileId: new FormControl('', { nonNullable: true }),
  });
}

/** Request body of `POST /workflows/runs` from the form: empty choices are left out. */
export function startRunBody(
  storyEntryId: string,
  value: { workflow: string; voiceProfileId: string },
  backends: Readonly<Record<string, AgentBackend | ''>>,
) {
  const chosen = Object.fromEntries(Object.entries(backends).filter(([, b]) => b !== '')) as Record<
    string,
    AgentBackend
  >;
  return {
    workflow: value.workflow,
    storyEntryId,
    ...(value.voiceProfileId ? { voiceProfileId: value.voiceProfileId } : {}),
    ...(Object.keys(chosen).length ? { backends: chosen } : {}),
  };
}

@Component({
  selector: 'pm-start-run',
  imports: [ReactiveFormsModule, RouterLink, MatButtonModule, MatSelectModule, LoadStateComponent],
  template: `
    <main class="page" id="main">
      <h1>Start a run</h1>
      @if (!entry()) {
        <p>
          Pick a story entry first: open a <a routerLink="/strategies">strategy</a> and choose
          “Write this” on an entry.
        </p>
      } @else {
        <pm-load-state [loading]="story.isLoading()" [error]="story.error()">
          @if (story.value(); as s) {
            <p>
              Story entry: <strong>{{ s.title || s.topic }}</strong>
              <span class="muted">(week {{ s.weekNumber }}, {{ s.shape }})</span>
            </p>
          }
        </pm-load-state>
        <form [formGroup]="form" (ngSubmit)="submit()" class="stack" novalidate>
          <mat-form-field class="field">
            <mat-label>Workflow</mat-label>
            <mat-select formControlName="workflow">
              @for (w of workflows.value() ?? []; track w.name) {
                <mat-option [value]="w.name"
                  >{{ w.name }}{{ w.builtIn ? ' (built-in)' : '' }}</mat-option
                >
              }
            </mat-select>
            <mat-error>{{ err('workflow') }}</mat-error>
          </mat-form-field>
          <mat-form-field class="field">
            <mat-label>Voice profile</mat-label>
            <mat-select formControlName="voiceProfileId">
              <mat-option value="">The workspace default</mat-option>
              @for (v of voices.value()?.items ?? []; track v.id) {
                <mat-option [value]="v.id"
                  >{{ v.name }}{{ v.isDefault ? ' (default)' : '' }}</mat-option
                >
              }
            </mat-select>
            <mat-error>{{ err('voiceProfileId') }}</mat-error>
          </mat-form-field>
          @if (agents().length) {
            <fieldset>
              <legend>Backend per agent (optional)</legend>
              @for (a of agents(); track a.name) {
                <mat-form-field class="field">
                  <mat-label>{{ a.name }} ({{ a.persona }})</mat-label>
                  <mat-select
                    [value]="backends()[a.name] ?? ''"
                    (selectionChange)="setBackend(a.name, $event.value)"
                  >
                    <mat-option value="">As the workflow says ({{ a.backend }})</mat-option>
                    @for (b of backendChoices; track b) {
                      <mat-option [value]="b">{{ b }}</mat-option>
                    }
                  </mat-select>
                </mat-form-field>
              }
              <p class="muted">
                A backend without its API key runs on the simulated backend, labelled as such.
              </p>
            </fieldset>
          }
          @if (formError()) {
            <p class="error-text" role="alert">{{ formError() }}</p>
          }
          <button mat-flat-button type="submit" [disabled]="busy()">Start the run</button>
        </form>
      }
    </main>
  `,
  styles: `
    .field {
      width: min(420px, 100%);
      display: block;
    }
    fieldset {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StartRunPage implements OnInit {
  readonly entry = input<string>();
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly form = startRunForm();
  protected readonly backendChoices = AGENT_BACKENDS;
  protected readonly backends = signal<Record<string, AgentBackend | ''>>({});
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  private readonly workflowName = signal('linkedin_post');

  protected readonly workflows = resource({
    loader: () => this.api.get('/workflows/definitions', z.array(WorkflowDefinitionSummarySchema)),
  });
  protected readonly voices = resource({
    loader: () =>
      this.api.get('/voice-profiles', pageSchema(VoiceProfileDtoSchema), { limit: 100 }),
  });
  protected readonly story = resource({
    params: () => this.entry(),
    loader: ({ params }) => this.api.get(`/story-entries/${params}`, StoryEntryDtoSchema),
  });
  protected readonly agents = computed(() => {
    const def = (this.workflows.value() ?? []).find((w) => w.name === this.workflowName());
    return def ? def.states.flatMap((s) => s.agents) : [];
  });

  ngOnInit(): void {
    this.form.controls.workflow.valueChanges.subscribe((w) => {
      this.workflowName.set(w);
      this.backends.set({});
    });
  }

  protected err(name: 'workflow' | 'voiceProfileId'): string | null {
    return errorMessage(this.form.controls[name]);
  }

  protected setBackend(agent: string, backend: AgentBackend | ''): void {
    this.backends.update((b) => ({ ...b, [agent]: backend }));
  }

  async submit(): Promise<void> {
    const entry = this.entry();
    if (!entry || this.form.invalid) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const run = await this.api.post(
        '/workflows/runs',
        RunSummarySchema,
        startRunBody(entry, this.form.getRawValue(), this.backends()),
        {
          'Idempotency-Key': crypto.randomUUID(),
        },
      );
      await this.router.navigate(['/runs', run.id]);
    } catch (e) {
      this.formError.set(applyServerErrors(this.form, toApiError(e)));
    } finally {
      this.busy.set(false);
    }
  }
}
