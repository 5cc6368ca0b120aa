import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  resource,
  signal,
} from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import {
  VoiceCalibration,
  VoiceDistance,
  VoiceDistanceSchema,
  VoiceProfileDtoSchema,
} from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { formatDate } from '../core/format';
import { ApiError, toApiError } from '../core/problem';
import { SessionStore } from '../core/session.store';
import { applyServerErrors, errorMessage } from '../forms/zod-validator';
import { LoadStateComponent } from '../ui/load-state.component';
import { VoiceFormComponent } from './voice-form.component';
import { measureForm, METRIC_LABELS, voiceBody, voiceForm } from './voice-forms';

@Component({
  selector: 'pm-voice-profile',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    LoadStateComponent,
    VoiceFormComponent,
  ],
  template: `
    <main class="page" id="main">
      @if (notFound()) {
        <h1>Voice profile not found</h1>
        <p>
          It does not exist, or it belongs to another workspace.
          <a routerLink="/voice">All voice profiles</a>
        </p>
      } @else {
        <pm-load-state
          [loading]="!profile.hasValue() && profile.isLoading()"
          [error]="profile.error()"
        >
          @if (profile.value(); as v) {
            <p><a routerLink="/voice">← Voice profiles</a></p>
            <h1>
              {{ v.name }}
              @if (v.isDefault) {
                <span class="status">default</span>
              }
            </h1>
            @if (error()) {
              <p class="error-text" role="alert">{{ error() }}</p>
            }
            <div class="two">
              <section class="card" aria-labelledby="cal-h">
                <h2 id="cal-h">Calibration</h2>
                @if (v.calibration; as c) {
                  <p class="muted">
                    Measured from {{ c.sampleCount }} example post(s) on
                    {{ formatDate(v.calibratedAt) }}.
                  </p>
                  <dl class="metrics">
                    @for (m of metrics(c); track m.key) {
                      <dt>{{ m.label }}</dt>
                      <dd>{{ m.value }}</dd>
                    }
                  </dl>
                } @else {
                  <p class="muted">Add example posts to measure this voice.</p>
                }
              </section>
              <section class="card" aria-labelledby="measure-h">
                <h2 id="measure-h">Measure a draft</h2>
                @if (v.calibration) {
                  <form (submit)="$event.preventDefault(); measure()" class="form">
                    <mat-form-field>
                      <mat-label>Draft</mat-label>
                      <textarea matInput [formControl]="draft" rows="6"></textarea>
                      <mat-error>{{ draftError() }}</mat-error>
                    </mat-form-field>
                    <button mat-stroked-button type="submit" [disabled]="busy()">Measure</button>
                  </form>
                  @if (distance(); as d) {
                    <p data-testid="voice-distance">
                      Distance <strong>{{ d.distance.toFixed(2) }}</strong>
                      <span class="muted"
                        >({{ d.distance <= 1 ? 'within' : 'outside' }} the voice's range; 0 is the
                        voice itself)</span
                      >
                    </p>
                    @if (d.outliers.length) {
                      <ul>
                        @for (o of outliers(d); track o.metric) {
                          <li>
                            {{ o.label }}: the draft has {{ o.draft }}, the voice {{ o.voice }} ({{
                              o.normalized
                            }}× the tolerance)
                          </li>
                        }
                      </ul>
                    } @else {
                      <p>Every metric is within the voice's range.</p>
                    }
                  }
                } @else {
                  <p class="muted">The voice needs a calibration first.</p>
                }
              </section>
            </div>
            @if (session.canWrite()) {
              <section class="card edit" aria-labelledby="edit-h">
                <h2 id="edit-h">Edit</h2>
                <pm-voice-form
                  [form]="form"
                  [busy]="busy()"
                  [formError]="formError()"
                  submitLabel="Save"
                  (save)="save()"
                />
                @if (session.canDelete()) {
                  <button
                    mat-stroked-button
                    type="button"
                    class="delete"
                    (click)="remove()"
                    [disabled]="busy()"
                  >
                    Delete this voice profile
                  </button>
                }
              </section>
            } @else {
              <section aria-labelledby="ex-h">
                <h2 id="ex-h">Examples</h2>
                @for (e of v.examples; track $index) {
                  <pre class="text card">{{ e }}</pre>
                } @empty {
                  <p class="muted">No example posts.</p>
                }
              </section>
            }
          }
        </pm-load-state>
      }
    </main>
  `,
  styles: `
    .two {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
      gap: 16px;
    }
    .metrics {
      display: grid;
      grid-template-columns: auto auto;
      gap: 4px 16px;
      margin: 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
      font-weight: 600;
    }
    .form {
      display: flex;
      flex-direction: column;
    }
    .edit {
      margin-top: 16px;
    }
    .delete {
      margin-top: 16px;
    }
    pre.card {
      margin-bottom: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VoiceProfilePage {
  readonly id = input.required<string>();
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionStore);
  protected readonly formatDate = formatDate;
  protected readonly profile = resource({
    params: () => this.id(),
    loader: async ({ params }) => {
      const v = await this.api.get(`/voice-profiles/${params}`, VoiceProfileDtoSchema);
      this.form.setValue({
        name: v.name,
        tone: v.tone.join('\n'),
        signaturePhrases: v.signaturePhrases.join('\n'),
        avoid: v.avoid.join('\n'),
        styleRules: v.styleRules.join('\n'),
        examples: v.examples.join('\n---\n'),
        isDefault: v.isDefault,
      });
      return v;
    },
  });
  protected readonly notFound = computed(
    () =>
      this.profile.error() instanceof ApiError &&
      [400, 404].includes((this.profile.error() as ApiError).status),
  );
  protected readonly form = voiceForm();
  protected readonly draft = measureForm();
  protected readonly distance = signal<VoiceDistance | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly formError = signal<string | null>(null);

  protected metrics(c: VoiceCalibration) {
    return Object.entries(METRIC_LABELS).map(([key, label]) => {
      const raw = c[key as keyof VoiceCalibration];
      const value = key.endsWith('Rate')
        ? `${Math.round(raw * 100)}%`
        : Number.isInteger(raw)
          ? String(raw)
          : raw.toFixed(1);
      return { key, label, value };
    });
  }

  protected outliers(d: VoiceDistance) {
    return d.outliers.map((metric) => {
      const delta = d.deltas.find((x) => x.metric === metric);
      return {
        metric,
        label: METRIC_LABELS[metric] ?? metric,
        draft: delta?.draft.toFixed(1) ?? '—',
        voice: delta?.voice.toFixed(1) ?? '—',
        normalized: delta?.normalized.toFixed(1) ?? '—',
      };
    });
  }

  protected draftError(): string | null {
    return errorMessage(this.draft);
  }

  async measure(): Promise<void> {
    this.draft.markAsTouched();
    if (this.draft.invalid) return;
    this.busy.set(true);
    try {
      this.distance.set(
        await this.api.post(
          `/voice-profiles/${this.id()}/calibration/distance`,
          VoiceDistanceSchema,
          { text: this.draft.value },
        ),
      );
    } catch (e) {
      const error = toApiError(e);
      if (error.fieldErrors['text']) this.draft.setErrors({ server: error.fieldErrors['text'] });
      else this.error.set(error.message);
    } finally {
      this.busy.set(false);
    }
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      this.profile.set(
        await this.api.patch(
          `/voice-profiles/${this.id()}`,
          VoiceProfileDtoSchema,
          voiceBody(this.form.getRawValue()),
        ),
      );
    } catch (e) {
      this.formError.set(applyServerErrors(this.form, toApiError(e)));
    } finally {
      this.busy.set(false);
    }
  }

  async remove(): Promise<void> {
    if (!confirm('Delete this voice profile?')) return;
    this.busy.set(true);
    try {
      await this.api.send('DELETE', `/voice-profiles/${this.id()}`);
      await this.router.navigate(['/voice']);
    } catch (e) {
      this.error.set(toApiError(e).message);
    } finally {
      this.busy.set(false);
    }
  }
}
