import { ApiError } from '../core/problem';
import { forgotPasswordForm } from '../auth/forgot-password.page';
import { registerForm } from '../auth/register.page';
import { resetPasswordForm } from '../auth/reset-password.page';
import { safeReturnUrl, signInForm } from '../auth/sign-in.page';
import { postEditForm } from '../posts/post.page';
import { searchForm } from '../posts/posts.page';
import { editForm, rejectForm } from '../runs/run.page';
import { runFiltersForm, runsQuery } from '../runs/runs.page';
import { startRunBody, startRunForm } from '../runs/start-run.page';
import { chapterForm, entryForm, goalForm, moveId, strategyForm } from '../strategy/strategy-forms';
import { measureForm, splitExamples, voiceBody, voiceForm } from '../voice/voice-forms';
import { applyServerErrors, errorMessage } from './zod-validator';

describe('form validation (the contracts’ rules, before the request)', () => {
  it('sign in: a valid email and a password', () => {
    const f = signInForm();
    expect(f.valid).toBe(false);
    f.setValue({ email: 'not-an-email', password: 'x' });
    expect(errorMessage(f.controls.email)).toBe('must be a valid email address');
    f.controls.email.setValue(' Ada@Example.com ');
    expect(f.valid).toBe(true);
  });

  it('register: name, email and a password of at least 10 characters', () => {
    const f = registerForm();
    f.setValue({ name: '  ', email: 'ada@example.com', password: 'short' });
    expect(errorMessage(f.controls.name)).toBe('must not be empty');
    expect(errorMessage(f.controls.password)).toBe('must be at least 10 characters');
    f.setValue({ name: 'Ada', email: 'ada@example.com', password: 'long enough!' });
    expect(f.valid).toBe(true);
  });

  it('forgot password: an email', () => {
    const f = forgotPasswordForm();
    f.controls.email.setValue('nope');
    expect(f.invalid).toBe(true);
    f.controls.email.setValue('ada@example.com');
    expect(f.valid).toBe(true);
  });

  it('reset password: a strong password typed twice the same', () => {
    const f = resetPasswordForm();
    f.setValue({ newPassword: 'a new password', confirm: 'another one!!' });
    expect(errorMessage(f.controls.confirm)).toBe('the two passwords differ');
    f.controls.confirm.setValue('a new password');
    expect(f.valid).toBe(true);
    f.setValue({ newPassword: 'short', confirm: 'short' });
    expect(errorMessage(f.controls.newPassword)).toBe('must be at least 10 characters');
  });

  it('only follows same-site return URLs after sign-in', () => {
    expect(safeReturnUrl('/runs/1')).toBe('/runs/1');
    expect(safeReturnUrl('https://evil.example')).toBe('/');
    expect(safeReturnUrl('//evil.example')).toBe('/');
    expect(safeReturnUrl(undefined)).toBe('/');
  });

  it('reject needs feedback; an edit needs text', () => {
    const reject = rejectForm();
    reject.setValue('   ');
    expect(errorMessage(reject)).toBe('say what to change');
    reject.setValue('Shorter hook, please.');
    expect(reject.valid).toBe(true);
    const edit = editForm('');
    expect(edit.invalid).toBe(true);
    edit.setValue('x'.repeat(10_001));
    expect(errorMessage(edit)).toContain('10000');
    edit.setValue('The edited post.');
    expect(edit.valid).toBe(true);
  });

  it('start a run: sends only the choices made', () => {
    const f = startRunForm();
    expect(f.valid).toBe(true);
    const entry = '3f1c7f5e-1111-4000-8000-000000000001';
    expect(
      startRunBody(entry, f.getRawValue(), { writer_claude: '', auditor: 'simulated' }),
    ).toEqual({
      workflow: 'linkedin_post',
      storyEntryId: entry,
      backends: { auditor: 'simulated' },
    });
    f.controls.voiceProfileId.setValue('9f1c7f5e-1111-4000-8000-000000000002');
    expect(startRunBody(entry, f.getRawValue(), {})).toEqual({
      workflow: 'linkedin_post',
      storyEntryId: entry,
      voiceProfileId: '9f1c7f5e-1111-4000-8000-000000000002',
    });
  });

  it('run filters: dates become UTC day bounds, a malformed story id is left out', () => {
    const f = runFiltersForm();
    f.setValue({
      status: 'completed',
      workflow: ' linkedin_post ',
      storyEntryId: 'abc',
      from: '2026-12-01',
      to: '2026-12-02',
    });
    expect(runsQuery(f.getRawValue(), 40)).toEqual({
      status: 'completed',
      workflow: 'linkedin_post',
      storyEntryId: undefined,
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-03T00:00:00.000Z',
      limit: 20,
      offset: 40,
    });
  });

  it('strategy, chapter, story entry and goal forms', () => {
    const s = strategyForm();
    expect(s.invalid).toBe(true);
    s.setValue({ name: 'Build in public', thesis: 'x'.repeat(2001), enemy: '' });
    expect(s.controls.thesis.invalid).toBe(true);
    s.controls.thesis.setValue('Ship small, often.');
    expect(s.valid).toBe(true);

    const c = chapterForm();
    c.setValue({ theme: 'Hiring', title: '', weeks: 53 });
    expect(c.controls.weeks.invalid).toBe(true);
    c.controls.weeks.setValue(4);
    expect(c.valid).toBe(true);

    const e = entryForm();
    expect(e.controls.topic.invalid).toBe(true);
    e.controls.topic.setValue('The offer we lost');
    expect(e.valid).toBe(true);

    const g = goalForm();
    g.setValue({ title: 'Two posts a week', metric: 'posts', targetValue: 8, dueOn: '2026-13-45' });
    expect(g.controls.dueOn.invalid).toBe(true);
    g.controls.dueOn.setValue('2026-12-31');
    expect(g.valid).toBe(true);
  });

  it('drag and drop moves one id to its new place', () => {
    expect(moveId(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveId(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveId(['a', 'b'], 1, 1)).toEqual(['a', 'b']);
  });

  it('voice profile: lists one per line, examples separated by ---', () => {
    const f = voiceForm();
    f.patchValue({
      name: 'Me',
      tone: 'warm\n\n direct ',
      examples: 'First post\nline two\n---\nSecond post',
    });
    expect(f.valid).toBe(true);
    expect(voiceBody(f.getRawValue())).toMatchObject({
      name: 'Me',
      tone: ['warm', 'direct'],
      examples: ['First post\nline two', 'Second post'],
    });
    f.controls.tone.setValue(Array.from({ length: 21 }, (_, i) => `t${i}`).join('\n'));
    expect(f.controls.tone.invalid).toBe(true);
    expect(splitExamples('a\n---\n\n---\nb')).toEqual(['a', 'b']);
    const m = measureForm();
    m.setValue('  ');
    expect(errorMessage(m)).toBe('text must not be empty');
  });

  it('post edit and semantic search', () => {
    const p = postEditForm();
    p.setValue({ title: '   ', content: 'Body', note: '' });
    expect(errorMessage(p.controls.title)).toBe('must not be empty');
    p.controls.title.setValue('Title');
    expect(p.valid).toBe(true);
    const s = searchForm();
    s.setValue('x'.repeat(2001));
    expect(s.invalid).toBe(true);
  });

  it('puts the API’s field errors next to their fields and keeps the rest for the form', () => {
    const f = registerForm();
    f.setValue({ name: 'Ada', email: 'ada@example.com', password: 'long enough!' });
    const formMessage = applyServerErrors(
      f,
      new ApiError(400, 'https://postmagiq.dev/problems/validation-error', 'Validation failed', {
        email: 'is already registered',
      }),
    );
    expect(formMessage).toBeNull();
    expect(errorMessage(f.controls.email)).toBe('is already registered');
    expect(f.controls.email.touched).toBe(true);
    // typing again clears the server's message
    f.controls.email.setValue('ada2@example.com');
    expect(errorMessage(f.controls.email)).toBeNull();

    expect(applyServerErrors(f, new ApiError(409, 'conflict', 'That workspace changed', {}))).toBe(
      'That workspace changed',
    );
    expect(
      applyServerErrors(f, new ApiError(400, 'v', 'Validation failed', { body: 'is not allowed' })),
    ).toBe('Validation failed — body: is not allowed');
  });
});
