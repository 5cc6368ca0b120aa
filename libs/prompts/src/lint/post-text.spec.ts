import { analysePostText, countWords } from './post-text';

const texts = [
  '',
  'One.',
  'Hook line that is short.\n\nA paragraph with #hashtags, numbers like 42 and 3.5, and it’s fine.',
  "  indented start, don't-stop words — dashes - and ' quotes ' alone\n#tag #another\n",
  'Übergrößen café naïve résumé; 中文 字符 and emoji 🚀 between words.',
  'word#notatag a#b ##double #1 x-ray -lead trail- ’quoted’',
];

describe('countWords', () => {
  it.each(texts)('counts the words analysePostText finds in %j', (text) => {
    expect(countWords(text)).toBe(analysePostText(text).words.length);
  });

  it('adds up over pieces joined by whitespace (no word spans whitespace)', () => {
    for (const separator of [' ', '\n', '\n\n']) {
      const joined = texts.join(separator);
      expect(countWords(joined)).toBe(texts.reduce((n, t) => n + countWords(t), 0));
    }
  });
});
