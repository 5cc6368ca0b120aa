import { FormControl, FormGroup, Validators } from '@angular/forms';
import { VoiceDistanceRequestSchema, VoiceProfileSchema } from '@postmagiq/contracts';
import { zodValidator } from '../forms/zod-validator';

const v = VoiceProfileSchema.shape;

/** One item per line (tone words, phrases, rules); blank lines dropped. */
export function linesToList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Example posts are multi-line, so they are separated by a line holding only `---`. */
export function splitExamples(text: string): string[] {
  return text
    .split(/^\s*---\s*$/m)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
}

const lines = (x: unknown) => linesToList(String(x ?? ''));
const examples = (x: unknown) => splitExamples(String(x ?? ''));

export function voiceForm() {
  return new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(v.name)],
    }),
    tone: new FormControl('', { nonNullable: true, validators: [zodValidator(v.tone, lines)] }),
    signaturePhrases: new FormControl('', {
      nonNullable: true,
      validators: [zodValidator(v.signaturePhrases, lines)],
    }),
    avoid: new FormControl('', { nonNullable: true, validators: [zodValidator(v.avoid, lines)] }),
    styleRules: new FormControl('', {
      nonNullable: true,
      validators: [zodValidator(v.styleRules, lines)],
    }),
    examples: new FormControl('', {
      nonNullable: true,
      validators: [zodValidator(v.examples, examples)],
    }),
    isDefault: new FormControl(false, { nonNullable: true }),
  });
}

export type VoiceFormValue = ReturnType<ReturnType<typeof voiceForm>['getRawValue']>;

/** The API body from the form's text areas. */
export function voiceBody(f: VoiceFormValue) {
  return {
    name: f.name,
    tone: linesToList(f.tone),
    signaturePhrases: linesToList(f.signaturePhrases),
    avoid: linesToList(f.avoid),
    styleRules: linesToList(f.styleRules),
    examples: splitExamples(f.examples),
    isDefault: f.isDefault,
  };
}

export function measureForm() {
  return new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, zodValidator(VoiceDistanceRequestSchema.shape.text)],
  });
}

/** What each calibration metric means, for the card and the outliers. */
export const METRIC_LABELS: Record<string, string> = {
  avgSentenceWords: 'Words per sentence',
  avgParagraphSentences: 'Sentences per paragraph',
  avgHookChars: 'Characters in the hook (first line)',
  questionRate: 'Share of sentences that are questions',
  firstPersonRate: 'Share of sentences in the first person',
  emojiPerPost: 'Emoji per post',
  hashtagsPerPost: 'Hashtags per post',
  readingGrade: 'Reading grade',
};
