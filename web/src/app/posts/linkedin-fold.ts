/**
 * Where LinkedIn's feed cuts a post with "…see more". The feed folds by rendered lines, not by a
 * character count: about 3 lines on a phone and 5 on a desktop, where an empty line counts as a
 * line and a long paragraph wraps into several. Lines are estimated from the feed's text width in
 * average characters (a deterministic stand-in for measuring glyphs, close for Latin text).
 */
export interface FoldViewport {
  lines: number;
  charsPerLine: number;
}

/** A ~390 px phone (text column ≈ 340 px) and the ~555 px desktop feed column. */
export const MOBILE_FOLD: FoldViewport = { lines: 3, charsPerLine: 40 };
export const DESKTOP_FOLD: FoldViewport = { lines: 5, charsPerLine: 66 };

export const LINKEDIN_MAX_CHARS = 3000;
const SEE_MORE = '…see more';

export interface Fold {
  /** What shows above the fold (the whole text when nothing is hidden). */
  visible: string;
  folded: boolean;
  /** Characters hidden behind "…see more". */
  hiddenChars: number;
  /** Visual lines the whole post takes at this width. */
  totalLines: number;
}

/** Greedy word wrap of one source line into visual lines (a word longer than a line is split). */
export function wrapLine(line: string, width: number): string[] {
  if (line.length === 0) return [''];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(/(\s+)/)) {
    if (word === '') continue;
    if ((current + word).length <= width) {
      current += word;
      continue;
    }
    if (current.trim().length > 0) out.push(current.trimEnd());
    current = /^\s+$/.test(word) ? '' : word;
    while (current.length > width) {
      out.push(current.slice(0, width));
      current = current.slice(width);
    }
  }
  if (current.length > 0 || out.length === 0) out.push(current.trimEnd());
  return out;
}

export function computeFold(text: string, viewport: FoldViewport): Fold {
  const normalized = text.replace(/\r\n?/g, '\n');
  const visual: Array<{ text: string; endsSource: boolean }> = [];
  for (const source of normalized.split('\n')) {
    const wrapped = wrapLine(source, viewport.charsPerLine);
    wrapped.forEach((l, i) => visual.push({ text: l, endsSource: i === wrapped.length - 1 }));
  }
  const totalLines = visual.length;
  if (totalLines <= viewport.lines) {
    return { visible: normalized, folded: false, hiddenChars: 0, totalLines };
  }
  const shown = visual.slice(0, viewport.lines);
  // the last visible line leaves room for "…see more" on the same line
  const last = shown[shown.length - 1] as { text: string; endsSource: boolean };
  const room = Math.max(0, viewport.charsPerLine - SEE_MORE.length - 1);
  if (last.text.length > room) {
    const cut = last.text.slice(0, room);
    const space = cut.lastIndexOf(' ');
    last.text = (space > room / 2 ? cut.slice(0, space) : cut).trimEnd();
  }
  let visible = '';
  shown.forEach((l, i) => {
    visible += l.text;
    if (i < shown.length - 1) visible += l.endsSource ? '\n' : ' ';
  });
  const visibleChars = visible.replace(/\s+/g, '').length;
  const hiddenChars = Math.max(0, normalized.replace(/\s+/g, '').length - visibleChars);
  return { visible: visible.trimEnd(), folded: true, hiddenChars, totalLines };
}
