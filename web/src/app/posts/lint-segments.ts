import type { LintFinding } from '@postmagiq/contracts';

export interface Segment {
  text: string;
  findings: LintFinding[];
}

/**
 * The post's text cut where findings start and end, so each flagged range can be marked inline
 * (as text in a <mark>, never HTML). Overlapping findings share the pieces they cover; findings
 * without a location, or outside the text, are left for the list.
 */
export function lintSegments(text: string, findings: readonly LintFinding[]): Segment[] {
  const located = findings.flatMap((f) =>
    f.location && f.location.start < f.location.end && f.location.end <= text.length
      ? [{ finding: f, start: f.location.start, end: f.location.end }]
      : [],
  );
  const cuts = new Set<number>([0, text.length]);
  for (const l of located) {
    cuts.add(l.start);
    cuts.add(l.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    const covering = located.filter((l) => l.start <= start && l.end >= end).map((l) => l.finding);
    const last = segments.at(-1);
    if (last && last.findings.length === 0 && covering.length === 0)
      last.text += text.slice(start, end);
    else segments.push({ text: text.slice(start, end), findings: covering });
  }
  return segments;
}
