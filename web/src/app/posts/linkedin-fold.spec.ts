import { computeFold, DESKTOP_FOLD, MOBILE_FOLD, wrapLine } from './linkedin-fold';

describe('the LinkedIn "…see more" fold', () => {
  it('wraps a paragraph into lines at word boundaries and splits a word longer than a line', () => {
    expect(wrapLine('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapLine('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapLine('', 10)).toEqual(['']);
  });

  it('shows a short post whole', () => {
    const text = 'A short hook.\n\nAnd one more line.';
    expect(computeFold(text, MOBILE_FOLD)).toEqual({
      visible: text,
      folded: false,
      hiddenChars: 0,
      totalLines: 3,
    });
  });

  it('cuts after 3 lines on a phone and 5 on a desktop, counting empty lines', () => {
    const text = [
      'Line one.',
      '',
      'Line three.',
      'Line four.',
      '',
      'Line six.',
      'Line seven.',
    ].join('\n');
    const mobile = computeFold(text, MOBILE_FOLD);
    expect(mobile.folded).toBe(true);
    expect(mobile.visible).toBe('Line one.\n\nLine three.');
    const desktop = computeFold(text, DESKTOP_FOLD);
    expect(desktop.visible).toBe('Line one.\n\nLine three.\nLine four.');
    expect(desktop.hiddenChars).toBe('Line six.Line seven.'.replace(/\s/g, '').length);
  });

  it('folds a long first paragraph by its wrapped lines, leaving room for "…see more"', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const fold = computeFold(words, MOBILE_FOLD);
    expect(fold.folded).toBe(true);
    expect(fold.totalLines).toBeGreaterThan(3);
    const lines = wrapLine(fold.visible, MOBILE_FOLD.charsPerLine);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines[2]?.length ?? 0).toBeLessThanOrEqual(
      MOBILE_FOLD.charsPerLine - '…see more'.length - 1,
    );
    expect(words.startsWith(fold.visible)).toBe(true);
    // the desktop column is wider and shows more of the same paragraph
    expect(computeFold(words, DESKTOP_FOLD).visible.length).toBeGreaterThan(fold.visible.length);
  });

  it('treats Windows line endings like \\n', () => {
    expect(computeFold('a\r\nb\r\nc\r\nd', MOBILE_FOLD).visible).toBe('a\nb\nc');
  });
});
