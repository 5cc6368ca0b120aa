import { FormControl, FormGroup, Validators } from '@angular/forms';
import {
  CreateChapterRequestSchema,
  CreateGoalRequestSchema,
  CreateStoryEntryRequestSchema,
  CreateStrategyRequestSchema,
  StoryEntryStatus,
  StoryShape,
} from '@postmagiq/contracts';
import { zodValidator } from '../forms/zod-validator';

const s = CreateStrategyRequestSchema.shape;
const c = CreateChapterRequestSchema.shape;
const e = CreateStoryEntryRequestSchema.shape;
const g = CreateGoalRequestSchema.shape;

export function strategyForm() {
  return new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(s.name)],
    }),
    thesis: new FormControl('', { nonNullable: true, validators: [zodValidator(s.thesis)] }),
    enemy: new FormControl('', { nonNullable: true, validators: [zodValidator(s.enemy)] }),
  });
}

export function chapterForm() {
  return new FormGroup({
    theme: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(c.theme)],
    }),
    title: new FormControl('', { nonNullable: true, validators: [zodValidator(c.title)] }),
    weeks: new FormControl(4, {
      nonNullable: true,
      validators: [Validators.required, zodValidator(c.weeks)],
    }),
  });
}

export function entryForm() {
  return new FormGroup({
    topic: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(e.topic)],
    }),
    title: new FormControl('', { nonNullable: true, validators: [zodValidator(e.title)] }),
    storySource: new FormControl('', {
      nonNullable: true,
      validators: [zodValidator(e.storySource)],
    }),
    shape: new FormControl<StoryShape>('full', {
      nonNullable: true,
      validators: [zodValidator(e.shape)],
    }),
    status: new FormControl<StoryEntryStatus>('planned', {
      nonNullable: true,
      validators: [zodValidator(e.status)],
    }),
  });
}

export function goalForm() {
  return new FormGroup({
    title: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, zodValidator(g.title)],
    }),
    metric: new FormControl('', { nonNullable: true, validators: [zodValidator(g.metric)] }),
    targetValue: new FormControl<number | null>(null, {
      validators: [zodValidator(g.targetValue)],
    }),
    dueOn: new FormControl<string | null>(null, { validators: [zodValidator(g.dueOn)] }),
  });
}

/** Moves one id within a list (what a drop does), returning the new order for the `…/order` endpoint. */
export function moveId(ids: readonly string[], from: number, to: number): string[] {
  const next = [...ids];
  if (from === to || from < 0 || from >= next.length) return next;
  const [moved] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(to, next.length)), 0, moved as string);
  return next;
}
