import type { StoryEntry, VoiceProfile } from '@postmagiq/contracts';
import { countWords, DEFAULT_LINT_OPTIONS } from '@postmagiq/prompts';
import { scrubBannedPhrases, usesBannedPhrase } from './banned-phrases';
import {
  CLOSING_QUESTIONS,
  HASHTAG_STOPWORDS,
  LONG_INTRO_FILLERS,
  REFLECTIONS,
  SHORT_HOOKS,
  TONE_LINES,
} from './post-phrases';
import { pick, shuffled } from './seed';
import { asSentence, storySentences } from './story-sentences';

export interface PostBrief {
  story: StoryEntry;
  voice: VoiceProfile;
  /**
   * A first draft opens with one long paragraph that runs past the "see more" fold (the flaw a
   * real first draft often has, and the lint catches); a revision opens with a short hook.
   */
  revision: boolean;
  /** The auditor's and the reviewer's words, if any: steers length and hashtags. */
  feedback: string | null;
  seed: number;
}

const { minWords, maxWords, maxChars, hookMaxChars, maxHashtags } = DEFAULT_LINT_OPTIONS;
/** A first draft's opening runs this far, well past the fold. */
const LONG_HOOK_CHARS = hookMaxChars + 30;
const SHORT_HOOK_CHARS = 160;
const PARAGRAPH_WORDS = 45;
const SENTENCE_WORDS = 60;

/**
 * Word counts of the pieces a post is assembled from, each counted once: the writer re-measures
 * its post many times while it assembles it. Pieces joined by whitespace have exactly the sum of
 * their words (a word never spans whitespace), so the sum stands for the joined text.
 */
function wordCounter(): (pieces: readonly string[]) => number {
  const counted = new Map<string, number>();
  return (pieces) => {
    let total = 0;
    for (const piece of pieces) {
      let n = counted.get(piece);
      if (n === undefined) counted.set(piece, (n = countWords(piece)));
      total += n;
    }
    return total;
  };
}

/** Writes a complete LinkedIn post from the story and voice alone: deterministic, offline. */
export function writePost(brief: PostBrief): string {
  const { story, voice, seed } = brief;
  const wordsIn = wordCounter();
  const avoid = voice.avoid;
  const usable = (line: string) => !usesBannedPhrase(line, avoid);
  // A topic that only repeats the title reads badly inside a sentence ("what I know about The week…").
  const ownTopic =
    story.topic?.trim() && story.topic.trim() !== story.title.trim() ? story.topic.trim() : '';
  const topic = scrubBannedPhrases(ownTopic || 'this kind of work', avoid) || 'this kind of work';
  const fill = (line: string) => line.replaceAll('{topic}', topic);
  const title = asSentence(scrubBannedPhrases(story.title, avoid) || 'A story from this week');
  const same = (a: string, b: string) =>
    a.toLowerCase().replace(/\W+/g, ' ').trim() === b.toLowerCase().replace(/\W+/g, ' ').trim();
  // A story that starts by repeating its title would otherwise say it twice in a row.
  const sentences = storySentences(story.body, avoid)
    .map(capSentence)
    .filter((sentence) => !same(sentence, title));

  let cursor = 0;
  let hook: string;
  if (brief.revision) {
    const hooks = [title, ...SHORT_HOOKS.map(fill)].filter(
      (h) => usable(h) && h.length <= SHORT_HOOK_CHARS,
    );
    hook = pick(hooks, seed, 1) ?? 'Here is a story worth telling.';
  } else {
    const opening = [title];
    const fillers = LONG_INTRO_FILLERS.filter(usable);
    while (
      opening.join(' ').length < LONG_HOOK_CHARS &&
      (cursor < sentences.length || fillers.length > 0)
    ) {
      opening.push(
        cursor < sentences.length ? (sentences[cursor++] as string) : (fillers.shift() as string),
      );
    }
    hook = opening.join(' ');
  }

  const signature = pick(voice.signaturePhrases.filter(usable), seed, 2);
  const tones = voice.tone.map((t) => t.toLowerCase());
  const toneLine = pick(
    TONE_LINES.filter((t) => t.tones.some((tone) => tones.includes(tone)) && usable(t.line)).map(
      (t) => t.line,
    ),
    seed,
    3,
  );
  const closing = fill(pick(CLOSING_QUESTIONS.filter(usable), seed, 4) ?? 'What would you add?');
  const hashtags = hashtagLine(
    story,
    avoid,
    mentions(brief.feedback, /hashtag/i) ? 1 : maxHashtags,
  );
  const reflections = shuffled(REFLECTIONS.map(fill).filter(usable), seed);

  const desired = desiredWords(brief);
  const fixed = [hook, signature, toneLine, closing].filter((p): p is string => !!p);
  const storyBudget = desired - wordsIn(fixed) - 45;
  let storyParagraphs = paragraphs(sentences.slice(cursor), wordsIn);
  const kept: string[] = [];
  for (const paragraph of storyParagraphs) {
    if (kept.length > 0 && wordsIn([...kept, paragraph]) > storyBudget) break;
    kept.push(paragraph);
  }
  storyParagraphs = kept;

  /** The post's paragraphs, its text and its word count. */
  const assemble = (story: string[], reflectionCount: number) => {
    const [first, ...rest] = reflections.slice(0, reflectionCount);
    const parts = [
      hook,
      ...story,
      first,
      signature
        ? `I keep coming back to one idea: ${signature.replace(/[.!?]+$/, '')}.`
        : undefined,
      ...rest,
      toneLine,
      closing,
      hashtags,
    ];
    const present = parts.filter((p): p is string => !!p);
    return { text: present.join('\n\n'), words: wordsIn(present) };
  };
  let count = 0;
  let post = assemble(storyParagraphs, count);
  while (post.words < desired && count < reflections.length) {
    const next = assemble(storyParagraphs, count + 1);
    if (next.words > maxWords - 10) break;
    count++;
    post = next;
  }
  // Over the limits only with a very long story: drop its later paragraphs, then reflections.
  while (
    (post.words > maxWords - 10 || post.text.length > maxChars - 100) &&
    storyParagraphs.length > 1
  ) {
    storyParagraphs = storyParagraphs.slice(0, -1);
    post = assemble(storyParagraphs, count);
  }
  while ((post.words > maxWords - 10 || post.text.length > maxChars - 100) && count > 0) {
    post = assemble(storyParagraphs, --count);
  }
  return post.text;
}

function desiredWords(brief: PostBrief): number {
  if (mentions(brief.feedback, /shorter|concise|tighter|too long|cut it|trim/i))
    return minWords + 20;
  if (mentions(brief.feedback, /longer|expand|more detail|too short|more depth|at least/i))
    return maxWords - 40;
  return brief.revision ? 300 : 320;
}

const mentions = (text: string | null, pattern: RegExp) => text !== null && pattern.test(text);

/** Keeps a run-on sentence from becoming a wall of text. */
function capSentence(sentence: string): string {
  const words = sentence.split(/\s+/);
  return words.length <= SENTENCE_WORDS
    ? sentence
    : `${words
        .slice(0, 40)
        .join(' ')
        .replace(/[,;:]$/, '')}…`;
}

/** Short paragraphs of one or two sentences, as phones show them best. */
function paragraphs(
  sentences: readonly string[],
  wordsIn: (pieces: readonly string[]) => number,
): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const sentence of sentences) {
    const candidate = [...current, sentence];
    if (current.length >= 2 || (current.length > 0 && wordsIn(candidate) > PARAGRAPH_WORDS)) {
      out.push(current.join(' '));
      current = [sentence];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) out.push(current.join(' '));
  return out;
}

/**
 * Hashtags from what the story is about: its most frequent substantial words (title words count
 * double), skipping stopwords and words that read as verbs or adverbs.
 */
function hashtagLine(story: StoryEntry, avoid: readonly string[], max: number): string | undefined {
  const counts = new Map<string, number>();
  const count = (text: string, weight: number) => {
    for (const [word] of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
      if (word.length < 5 || /^\d+$/.test(word) || /(?:ed|ly|ing)$/.test(word)) continue;
      if (HASHTAG_STOPWORDS.has(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + weight);
    }
  };
  count(`${story.topic ?? ''} ${story.title}`, 2);
  count(story.body, 1);
  // Map keeps first-appearance order, and sort is stable: ties go to the earlier word.
  const tags = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([word]) => `#${word}`)
    .filter((tag) => !usesBannedPhrase(tag.slice(1), avoid))
    .slice(0, max);
  return tags.length > 0 ? tags.join(' ') : undefined;
}
