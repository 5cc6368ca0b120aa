import { ChangeDetectionStrategy, Component, inject, resource, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { pageSchema, VoiceProfileDtoSchema } from '@postmagiq/contracts';
import { Api } from '../core/api.service';
import { SessionStore } from '../core/session.store';
import { FormSubmission } from '../forms/form-submission';
import { LoadStateComponent } from '../ui/load-state.component';
import { PagerComponent } from '../ui/pager.component';
import { VoiceFormComponent } from './voice-form.component';
import { voiceBody, voiceForm } from './voice-forms';

@Component({
  selector: 'pm-voice-profiles',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatInputModule,
    MatCheckboxModule,
    LoadStateComponent,
    PagerComponent,
    VoiceFormComponent,
  ],
  template: `
    <main class="page" id="main">
      <h1>Voice profiles</h1>
      <p class="muted">
        How you sound: tone, phrases you use, things you never say, and example posts to measure.
      </p>
      <pm-load-state
        [loading]="list.isLoading()"
        [error]="list.error()"
        [empty]="list.value()?.items?.length === 0"
      >
        <p empty>No voice profile yet; runs use a default professional voice.</p>
        <ul class="cards">
          @for (v of list.value()?.items ?? []; track v.id) {
            <li class="card">
              <h2>
                <a [routerLink]="['/voice', v.id]">{{ v.name }}</a>
              </h2>
              @if (v.isDefault) {
                <span class="status">default</span>
              }
              <p>{{ v.tone.join(', ') || 'No tone words.' }}</p>
              <p class="muted">
                {{ v.examples.length }} example(s) ·
                {{ v.calibration ? 'calibrated' : 'not calibrated' }}
              </p>
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
        <section class="card" aria-labelledby="new-voice-h">
          <h2 id="new-voice-h">New voice profile</h2>
          <pm-voice-form
            [form]="form"
            [busy]="busy()"
            [formError]="formError()"
            submitLabel="Create voice profile"
            (save)="create()"
          />
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
    section.card {
      margin-top: 24px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VoiceProfilesPage {
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionStore);
  protected readonly offset = signal(0);
  protected readonly list = resource({
    params: () => this.offset(),
    loader: ({ params }) =>
      this.api.get('/voice-profiles', pageSchema(VoiceProfileDtoSchema), {
        limit: 20,
        offset: params,
      }),
  });
  protected readonly form = voiceForm();
  private readonly submission = new FormSubmission(this.form);
  protected readonly busy = this.submission.busy;
  protected readonly formError = this.submission.error;

  async create(): Promise<void> {
    await this.submission.run(async () => {
      const created = await this.api.post(
        '/voice-profiles',
        VoiceProfileDtoSchema,
        voiceBody(this.form.getRawValue()),
      );
      await this.router.navigate(['/voice', created.id]);
    });
  }
}
