import type { VoiceCalibration, VoiceDistance, VoiceMetric } from '@postmagiq/contracts';
import { analysePostText } from '@postmagiq/prompts';

/*
 * The measurable style of a voice, from its example posts. Definitions (pooled over all samples):
 * - sentences: each line of a paragraph split after . ! ? … (and closing quotes) followed by space;
 *   a piece counts when it has a word (hashtags and emoji are not words, as in the post lint);
 * - avgSentenceWords = words / sentences; avgParagraphSentences = sentences / paragraphs that have one;
 * - avgHookChars: mean length (code points) of each post's first non-empty line, what shows above
 *   LinkedIn's "see more";
 * - questionRate: sentences ending in ?; firstPersonRate: sentences with I/me/my/we/us/our…;
 * - emojiPerPost (grapheme clusters with a pictograph), hashtagsPerPost: per sample;
 * - readingGrade: Flesch–Kincaid grade, 0.39·words/sentences + 11.8·syllables/words − 15.59, with a
 *   vowel-group syllable heuristic.
 * Figures are rounded to 2 decimals.
 */

const WORD = /(?<![#\p{L}\p{N}])[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const SENTENCE_END = /(?<=[.!?…]+["'”’)\]]*)\s+/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const FIRST_PERSON = new Set([
  'i',
  "i'm",
  "i've",
  "i'd",
  "i'll",
  'me',
  'my',
  'mine',
  'myself',
  'we',
  "we're",
  "we've",
  "we'd",
  "we'll",
  'us',
  'our',
  'ours',
  'ourselves',
]);

export interface TextCounts {
  posts: number;
  sentences: number;
  words: number;
  syllables: number;
  paragraphs: number;
  questions: number;
  firstPerson: number;
  emoji: number;
  hashtags: number;
  hookChars: number;
}

export function countSyllables(word: string): number {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return 1; // numbers and non-Latin words count as one
  if (w.length <= 3) return 1;
  w = w.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  return Math.max(1, w.match(/[aeiouy]{1,2}/g)?.length ?? 1);
}

export function splitSentences(line: string): string[] {
  return line
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => (s.match(WORD) ?? []).length > 0);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function countEmoji(text: string): number {
  let n = 0;
  for (const { segment } of segmenter.segment(text)) if (PICTOGRAPH.test(segment)) n++;
  return n;
}

export function countText(text: string): TextCounts {
  const source = text.replace(/\r\n?/g, '\n');
  const post = analysePostText(source);
  const counts: TextCounts = {
    posts: 1,
    sentences: 0,
    words: 0,
    syllables: 0,
    paragraphs: 0,
    questions: 0,
    firstPerson: 0,
    emoji: 0,
    hashtags: post.hashtags.length,
    hookChars: 0,
  };
  for (const paragraph of post.paragraphs) {
    let inParagraph = 0;
    for (const line of paragraph.text.split('\n')) {
      for (const sentence of splitSentences(line)) {
        const words = sentence.match(WORD) ?? [];
        inParagraph++;
        counts.words += words.length;
        counts.syllables += words.reduce((sum, w) => sum + countSyllables(w), 0);
        if (/\?["'”’)\]]*$/.test(sentence)) counts.questions++;
        if (words.some((w) => FIRST_PERSON.has(w.toLowerCase().replace(/’/g, "'"))))
          counts.firstPerson++;
      }
    }
    counts.sentences += inParagraph;
    if (inParagraph > 0) counts.paragraphs++;
  }
  counts.emoji = countEmoji(source);
  const hook = source.split('\n').find((l) => l.trim() !== '') ?? '';
  counts.hookChars = [...hook.trim()].length;
  return counts;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function calibrationFromCounts(c: TextCounts): VoiceCalibration {
  const wordsPerSentence = ratio(c.words, c.sentences);
  const grade =
    c.words === 0 ? 0 : 0.39 * wordsPerSentence + 11.8 * ratio(c.syllables, c.words) - 15.59;
  return {
    sampleCount: c.posts,
    avgSentenceWords: round2(wordsPerSentence),
    avgParagraphSentences: round2(ratio(c.sentences, c.paragraphs)),
    avgHookChars: round2(ratio(c.hookChars, c.posts)),
    questionRate: round2(ratio(c.questions, c.sentences)),
    firstPersonRate: round2(ratio(c.firstPerson, c.sentences)),
    emojiPerPost: round2(ratio(c.emoji, c.posts)),
    hashtagsPerPost: round2(ratio(c.hashtags, c.posts)),
    readingGrade: round2(grade),
  };
}

/** The calibration of a set of example posts, or null when there are none. */
export function calibrate(examples: readonly string[]): VoiceCalibration | null {
  const samples = examples.filter((e) => e.trim() !== '');
  if (samples.length === 0) return null;
  const total = samples.map(countText).reduce((a, b) => {
    const out = { ...a };
    for (const key of Object.keys(out) as (keyof TextCounts)[]) out[key] = a[key] + b[key];
    return out;
  });
  return calibrationFromCounts(total);
}

/** How much each metric may differ before a draft counts as off-voice (absolute, or relative to the voice). */
const TOLERANCE: Record<VoiceMetric, (voice: number) => number> = {
  avgSentenceWords: (v) => Math.max(3, 0.25 * v),
  avgParagraphSentences: (v) => Math.max(0.75, 0.25 * v),
  avgHookChars: (v) => Math.max(20, 0.25 * v),
  questionRate: () => 0.15,
  firstPersonRate: () => 0.2,
  emojiPerPost: () => 1,
  hashtagsPerPost: () => 1,
  readingGrade: () => 2,
};

export const VOICE_METRICS = Object.keys(TOLERANCE) as VoiceMetric[];

/** How far a draft sits from a calibrated voice, metric by metric. */
export function voiceDistance(voice: VoiceCalibration, text: string): VoiceDistance {
  const draft = calibrationFromCounts(countText(text));
  const deltas = VOICE_METRICS.map((metric) => {
    const delta = round2(draft[metric] - voice[metric]);
    return {
      metric,
      draft: draft[metric],
      voice: voice[metric],
      delta,
      normalized: round2(Math.abs(delta) / TOLERANCE[metric](voice[metric])),
    };
  });
  const outliers = deltas
    .filter((d) => d.normalized > 1)
    .sort((a, b) => b.normalized - a.normalized)
    .map((d) => d.metric);
  return {
    draft,
    voice,
    deltas,
    distance: round2(deltas.reduce((s, d) => s + d.normalized, 0) / deltas.length),
    outliers,
  };
}
