import type { VoiceProfile } from '@postmagiq/contracts';
import { CLEAN_POST } from '../testing/sample-post';
import { hasErrors, lintPost } from './lint-post';

const rulesOf = (text: string, options?: Parameters<typeof lintPost>[1]) =>
  lintPost(text, options).map((f) => f.rule);

const voice = (avoid: string[]): VoiceProfile => ({
  name: 'Test',
  tone: [],
  signaturePhrases: [],
  avoid,
  examples: [],
  styleRules: [],
});

describe('lintPost', () => {
  it('finds nothing wrong with a post that follows every rule', () => {
    expect(lintPost(CLEAN_POST)).toEqual([]);
  });

  it('counts words without hashtags and reports a short post with the count', () => {
    const findings = lintPost('One short hook.\n\nTwo more words here. #one #two');
    const wordCount = findings.find((f) => f.rule === 'word-count');
    expect(wordCount).toMatchObject({
      severity: 'error',
      message: 'the post has 7 words; write at least 250',
    });
  });

  it('reports a post over the word maximum', () => {
    const long = `${CLEAN_POST.split('\n\n')[0]}\n\n${'word '.repeat(401).trim()}`;
    expect(lintPost(long).find((f) => f.rule === 'word-count')?.message).toMatch(
      /^the post has 41\d words; cut it to at most 400$/,
    );
  });

  it('flags a hook that runs past the see-more fold, with its location', () => {
    const hook = 'A'.repeat(120) + ' ' + 'b'.repeat(120);
    const findings = lintPost(`${hook}\n\n${CLEAN_POST}`);
    const fold = findings.find((f) => f.rule === 'hook-fold');
    expect(fold).toEqual({
      rule: 'hook-fold',
      severity: 'error',
      message:
        'the hook is 241 characters and runs past the "see more" fold at 210; tighten the first paragraph',
      location: { start: 0, end: 241, line: 1 },
    });
  });

  it('accepts a hook of exactly the fold length and rejects one character more', () => {
    const body = CLEAN_POST.slice(CLEAN_POST.indexOf('\n\n'));
    expect(rulesOf(`${'x'.repeat(210)}${body}`)).not.toContain('hook-fold');
    expect(rulesOf(`${'x'.repeat(211)}${body}`)).toContain('hook-fold');
  });

  it('flags bullets and numbered items line by line', () => {
    const text = `${CLEAN_POST}\n\n- first point\n2. second point\n• third`;
    const bullets = lintPost(text).filter((f) => f.rule === 'no-bullets');
    const last = CLEAN_POST.split('\n').length;
    expect(bullets.map((f) => f.location?.line)).toEqual([last + 2, last + 3, last + 4]);
  });

  it('flags Markdown headers but not hashtags at the start of a line', () => {
    const findings = lintPost(`## Lessons\n\n${CLEAN_POST}`);
    expect(findings.filter((f) => f.rule === 'no-headers')).toHaveLength(1);
    expect(rulesOf(CLEAN_POST)).not.toContain('no-headers');
  });

  it('warns about Markdown emphasis', () => {
    const findings = lintPost(CLEAN_POST.replace('Closed, with a note', '**Closed**, with a note'));
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'no-markdown-emphasis', severity: 'warning' }),
    ]);
  });

  it('counts hashtags against the limit', () => {
    expect(rulesOf(`${CLEAN_POST} #four`)).toContain('hashtag-count');
    expect(rulesOf(`${CLEAN_POST} #four`, { rules: { maxHashtags: 4 } })).not.toContain(
      'hashtag-count',
    );
  });

  it('finds every occurrence of a banned phrase from the voice, ignoring case and apostrophes', () => {
    const text = `In today's fast-paced world we ship.\n\n${CLEAN_POST}\n\nIn Today’s Fast-Paced World, again.`;
    const banned = lintPost(text, { voice: voice(['in today’s fast-paced world']) }).filter(
      (f) => f.rule === 'banned-phrase',
    );
    expect(banned).toHaveLength(2);
    expect(banned[0]?.location).toEqual({ start: 0, end: 27, line: 1 });
    expect(text.slice(banned[1]?.location?.start, banned[1]?.location?.end)).toBe(
      'In Today’s Fast-Paced World',
    );
  });

  it('does not match a banned word inside a longer word', () => {
    expect(rulesOf(CLEAN_POST, { voice: voice(['pan']) })).not.toContain('banned-phrase');
    expect(rulesOf(CLEAN_POST, { voice: voice(['panic']) })).toContain('banned-phrase');
  });

  it('refuses a post longer than LinkedIn accepts', () => {
    const findings = lintPost(`${CLEAN_POST}\n\n${'x'.repeat(3000)}`);
    expect(findings.find((f) => f.rule === 'character-limit')?.message).toMatch(
      /characters; LinkedIn accepts at most 3000$/,
    );
  });

  it('warns about a wall-of-text paragraph', () => {
    const wall = Array.from({ length: 80 }, (_, i) => `w${i}`).join(' ');
    const findings = lintPost(
      CLEAN_POST.replace('I still run that retro', `${wall} I still run that retro`),
    );
    expect(findings.map((f) => [f.rule, f.severity])).toContainEqual([
      'paragraph-length',
      'warning',
    ]);
  });

  it('says an empty post has no hook', () => {
    expect(lintPost('   ')[0]).toMatchObject({
      rule: 'hook-fold',
      message: 'the post is empty: there is no hook',
    });
  });

  it('tells errors from warnings', () => {
    expect(hasErrors(lintPost(CLEAN_POST))).toBe(false);
    expect(hasErrors(lintPost('too short'))).toBe(true);
  });
});
