import { at, type LintRule } from '../lint-rule';

const BULLET = /^\s*(?:[-*•▪●◦‣]|\d{1,2}[.)])\s+\S/;
const HEADER = /^\s*#{1,6}\s+\S/;
const EMPHASIS = /\*\*[^*\n]+\*\*|__[^_\n]+__/g;

export const bulletRule: LintRule = {
  id: 'no-bullets',
  check(post) {
    return post.lines
      .filter((line) => BULLET.test(line.text))
      .map((line) => ({
        rule: this.id,
        severity: 'error' as const,
        message: `line ${line.line} is a list item; write it as a sentence`,
        location: at(line),
      }));
  },
};

export const headerRule: LintRule = {
  id: 'no-headers',
  check(post) {
    return post.lines
      .filter((line) => HEADER.test(line.text))
      .map((line) => ({
        rule: this.id,
        severity: 'error' as const,
        message: `line ${line.line} is a Markdown header; LinkedIn shows the # signs as text`,
        location: at(line),
      }));
  },
};

export const emphasisRule: LintRule = {
  id: 'no-markdown-emphasis',
  check(post) {
    return [...post.source.matchAll(EMPHASIS)].map((match) => {
      const start = match.index;
      const line = post.lines.find((l) => l.start <= start && start <= l.end)?.line ?? 1;
      return {
        rule: this.id,
        severity: 'warning' as const,
        message: `"${match[0]}" uses Markdown emphasis, which LinkedIn does not render`,
        location: { start, end: start + match[0].length, line },
      };
    });
  },
};

export const hashtagRule: LintRule = {
  id: 'hashtag-count',
  check(post, { maxHashtags }) {
    const count = post.hashtags.length;
    if (count <= maxHashtags) return [];
    const first = post.hashtags[maxHashtags];
    return [
      {
        rule: this.id,
        severity: 'error',
        message: `the post has ${count} hashtags; keep at most ${maxHashtags}`,
        ...(first ? { location: at(first) } : {}),
      },
    ];
  },
};
