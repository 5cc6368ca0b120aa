import type { LintRule } from '../lint-rule';

export const wordCountRule: LintRule = {
  id: 'word-count',
  check(post, { minWords, maxWords }) {
    const count = post.words.length;
    if (count < minWords) {
      return [
        {
          rule: this.id,
          severity: 'error',
          message: `the post has ${count} words; write at least ${minWords}`,
        },
      ];
    }
    if (count > maxWords) {
      return [
        {
          rule: this.id,
          severity: 'error',
          message: `the post has ${count} words; cut it to at most ${maxWords}`,
        },
      ];
    }
    return [];
  },
};

export const characterLimitRule: LintRule = {
  id: 'character-limit',
  check(post, { maxChars }) {
    const length = post.source.length;
    if (length <= maxChars) return [];
    return [
      {
        rule: this.id,
        severity: 'error',
        message: `the post has ${length} characters; LinkedIn accepts at most ${maxChars}`,
        location: {
          start: maxChars,
          end: length,
          line: post.lines.find((l) => l.end >= maxChars)?.line ?? 1,
        },
      },
    ];
  },
};

export const paragraphLengthRule: LintRule = {
  id: 'paragraph-length',
  check(post, { maxParagraphWords }) {
    return post.paragraphs.flatMap((paragraph) => {
      const words = post.words.filter(
        (w) => w.start >= paragraph.start && w.end <= paragraph.end,
      ).length;
      if (words <= maxParagraphWords) return [];
      return [
        {
          rule: this.id,
          severity: 'warning' as const,
          message: `a paragraph of ${words} words is a wall of text on a phone; split it (at most ${maxParagraphWords})`,
          location: { start: paragraph.start, end: paragraph.end, line: paragraph.line },
        },
      ];
    });
  },
};
