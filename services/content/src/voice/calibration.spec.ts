import {
  calibrate,
  countEmoji,
  countSyllables,
  countText,
  splitSentences,
  voiceDistance,
} from './calibration';

const SAMPLE_1 = [
  'I quit my job last year.',
  'It was terrifying.',
  '',
  'Did I regret it? Not once. 🚀',
  '',
  '#career #growth',
].join('\n');
const SAMPLE_2 = [
  'We shipped the new onboarding flow today.',
  '',
  'Three lessons stood out. Talk to users early! Measure what matters.',
].join('\n');

describe('voice calibration', () => {
  it('counts syllables with the vowel-group heuristic', () => {
    const counts = Object.fromEntries(
      [
        'terrifying',
        'regret',
        'once',
        'year',
        'shipped',
        'onboarding',
        'today',
        'three',
        'measure',
        'matters',
        'I',
      ].map((w) => [w, countSyllables(w)]),
    );
    expect(counts).toEqual({
      terrifying: 3,
      regret: 2,
      once: 1,
      year: 1,
      shipped: 1,
      onboarding: 3,
      today: 2,
      three: 1,
      measure: 2,
      matters: 2,
      I: 1,
    });
  });

  it('splits sentences at terminal punctuation and drops pieces without words', () => {
    expect(splitSentences('Did I regret it? Not once. 🚀')).toEqual([
      'Did I regret it?',
      'Not once.',
    ]);
    expect(splitSentences('#career #growth')).toEqual([]);
    expect(countEmoji('Go 🚀 team 👩‍💻!')).toBe(2); // a ZWJ sequence is one emoji
  });

  it('counts one sample by hand', () => {
    // sentences: "I quit my job last year." (6 words, 6 syll.), "It was terrifying." (3, 5),
    // "Did I regret it?" (4, 5), "Not once." (2, 2); the hashtag paragraph has no sentence
    expect(countText(SAMPLE_1)).toEqual({
      posts: 1,
      sentences: 4,
      words: 15,
      syllables: 18,
      paragraphs: 2,
      questions: 1,
      firstPerson: 2,
      emoji: 1,
      hashtags: 2,
      hookChars: 24,
    });
  });

  it('matches hand-computed figures for a two-post sample', () => {
    // pooled: 8 sentences, 33 words, 44 syllables, 4 paragraphs, 1 question, 3 first-person
    // sentences, 1 emoji, 2 hashtags, hooks of 24 and 41 characters
    // grade = 0.39 × 33/8 + 11.8 × 44/33 − 15.59 = 1.60875 + 15.73333 − 15.59 = 1.75208
    expect(calibrate([SAMPLE_1, SAMPLE_2])).toEqual({
      sampleCount: 2,
      avgSentenceWords: 4.13,
      avgParagraphSentences: 2,
      avgHookChars: 32.5,
      questionRate: 0.13,
      firstPersonRate: 0.38,
      emojiPerPost: 0.5,
      hashtagsPerPost: 1,
      readingGrade: 1.75,
    });
  });

  it('has no calibration without examples', () => {
    expect(calibrate([])).toBeNull();
    expect(calibrate(['  '])).toBeNull();
  });

  it('puts a voice at distance 0 from itself and flags the metrics a draft strays on', () => {
    const voice = calibrate([SAMPLE_1]);
    if (!voice) throw new Error('a sample calibrates');
    const same = voiceDistance(voice, SAMPLE_1);
    expect(same.distance).toBe(0);
    expect(same.outliers).toEqual([]);

    const off = voiceDistance(
      voice,
      'Synergistic frameworks facilitate organisational transformation across heterogeneous stakeholder ecosystems, notwithstanding considerable implementation complexity.\n\n#a #b #c #d #e',
    );
    expect(off.outliers).toEqual(
      expect.arrayContaining([
        'avgSentenceWords',
        'readingGrade',
        'hashtagsPerPost',
        'avgHookChars',
      ]),
    );
    expect(off.distance).toBeGreaterThan(1);
    expect(off.deltas.find((d) => d.metric === 'hashtagsPerPost')).toMatchObject({
      draft: 5,
      voice: 2,
      delta: 3,
      normalized: 3,
    });
  });
});
