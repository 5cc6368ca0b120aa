import { MAX_INPUT_DEPTH, unsafeInput } from './input-safety';

describe('unsafeInput (what no request may carry, for every route)', () => {
  it('names each text field holding NUL or another control character, at any depth', () => {
    expect(
      unsafeInput(
        {
          title: 'ok\u0000',
          voice: { examples: ['fine', '\u000b\u000c'] },
          body: 'tab\tnew\nline\r',
        },
        'body',
      ),
    ).toEqual(
      expect.arrayContaining([
        { field: 'title', message: 'must not contain control characters (found NUL)' },
        {
          field: 'voice.examples.1',
          message: 'must not contain control characters (found U+000B)',
        },
      ]),
    );
    expect(
      unsafeInput({ title: 'ok\u0000', voice: { examples: ['fine', '\u000b\u000c'] } }, 'body'),
    ).toHaveLength(2);
  });

  it('lets tab, line feed, carriage return and any printable Unicode through', () => {
    expect(
      unsafeInput({ text: 'Ünïcødé — 中文 🚀\t\n\r', n: 3, ok: true, none: null }, 'body'),
    ).toEqual([]);
  });

  it('names the root for a bare string (a path or a single query value) and keys with controls', () => {
    expect(unsafeInput('a\u0000', 'q')).toEqual([
      { field: 'q', message: 'must not contain control characters (found NUL)' },
    ]);
    expect(unsafeInput({ meta: { 'k\u0000': 1 } }, 'body')).toEqual([
      { field: 'meta', message: 'has a key with a control character (NUL)' },
    ]);
  });

  it('refuses nesting past the limit without running out of stack itself', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const errors = unsafeInput({ settings: deep }, 'body');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(`is nested deeper than ${MAX_INPUT_DEPTH} levels`);
    expect(errors[0]?.field.startsWith('settings.0.0')).toBe(true);

    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_INPUT_DEPTH - 1; i++) ok = { a: ok };
    expect(unsafeInput(ok, 'body')).toEqual([]);
  });
});
