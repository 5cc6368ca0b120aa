import { at, type LintRule } from '../lint-rule';

/** The first paragraph must be readable in full before LinkedIn's "see more" fold. */
export const hookFoldRule: LintRule = {
  id: 'hook-fold',
  check(post, { hookMaxChars }) {
    const hook = post.paragraphs[0];
    if (!hook) {
      return [{ rule: this.id, severity: 'error', message: 'the post is empty: there is no hook' }];
    }
    const length = hook.text.trimEnd().length;
    if (length <= hookMaxChars) return [];
    return [
      {
        rule: this.id,
        severity: 'error',
        message: `the hook is ${length} characters and runs past the "see more" fold at ${hookMaxChars}; tighten the first paragraph`,
        location: at(hook),
      },
    ];
  },
};
