import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatInputModule } from '@angular/material/input';
import { errorMessage } from '../forms/zod-validator';
import { voiceForm } from './voice-forms';

/** The fields of a voice profile (create and edit share them). */
@Component({
  selector: 'pm-voice-form',
  imports: [ReactiveFormsModule, MatButtonModule, MatInputModule, MatCheckboxModule],
  template: `
    <form [formGroup]="form()" (ngSubmit)="save.emit()" class="form" novalidate>
      <mat-form-field>
        <mat-label>Name</mat-label>
        <input matInput formControlName="name" />
        <mat-error>{{ err('name') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Tone (one word or phrase per line)</mat-label>
        <textarea matInput formControlName="tone" rows="3"></textarea>
        <mat-error>{{ err('tone') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Signature phrases (one per line)</mat-label>
        <textarea matInput formControlName="signaturePhrases" rows="3"></textarea>
        <mat-error>{{ err('signaturePhrases') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Never say (one per line)</mat-label>
        <textarea matInput formControlName="avoid" rows="3"></textarea>
        <mat-error>{{ err('avoid') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Style rules (one per line)</mat-label>
        <textarea matInput formControlName="styleRules" rows="3"></textarea>
        <mat-error>{{ err('styleRules') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Example posts (separate posts with a line holding only ---)</mat-label>
        <textarea matInput formControlName="examples" rows="8"></textarea>
        <mat-error>{{ err('examples') }}</mat-error>
      </mat-form-field>
      <mat-checkbox formControlName="isDefault">The workspace's default voice</mat-checkbox>
      @if (formError()) {
        <p class="error-text" role="alert">{{ formError() }}</p>
      }
      <button mat-flat-button type="submit" [disabled]="busy()">{{ submitLabel() }}</button>
    </form>
  `,
  styles: `
    .form {
      display: flex;
      flex-direction: column;
      max-width: 640px;
      gap: 4px;
    }
    button {
      align-self: flex-start;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VoiceFormComponent {
  readonly form = input.required<ReturnType<typeof voiceForm>>();
  readonly busy = input(false);
  readonly formError = input<string | null>(null);
  readonly submitLabel = input('Save');
  readonly save = output<void>();

  protected err(name: keyof ReturnType<typeof voiceForm>['controls']): string | null {
    return errorMessage(this.form().controls[name]);
  }
}
