/*
 * The simulated writer's stock sentences. Generic on purpose (a story can be about anything);
 * `{topic}` is the story's topic or title. None uses a list, a header or a hashtag.
 */

export const REFLECTIONS: readonly string[] = [
  'I used to think the hard part of {topic} was the skill itself. It turns out the hard part is the habits around it.',
  'Nothing about this felt important in the moment. It only looked obvious afterwards, which is how most useful lessons arrive.',
  'What changed was not a tool or a new process document. It was what we were willing to say out loud, and how early.',
  'If I had to put it in one sentence: the answer was a habit, and habits beat heroics every single time.',
  'The people closest to the work usually see the problem first. A big part of my job is making it safe for them to say so.',
  'Looking back, the signs were there for weeks. We were simply too busy to stop and read them.',
  'I share this because I still catch myself wanting to skip the slow, careful step when a deadline gets close.',
  'Small, repeatable habits are not glamorous. They are also the reason the next surprise is usually a smaller one.',
  'An hour spent slowing down is almost always cheaper than a week spent cleaning up afterwards.',
  'It also changed how I talk about {topic} with my team. We name the risks at the start now, not at the end.',
  'None of it needed a reorganisation or a bigger budget. It needed attention and a shared idea of what good looks like.',
  'The best teams I know are not the ones that never stumble. They are the ones that make every stumble cheaper than the last.',
  'When I explain this to new colleagues, I tell them the story first. The principle only lands once you have felt the problem.',
  'I would rather be a little slower and trusted than fast and always apologising. People notice the difference long before we do.',
  'The example you set on an ordinary Tuesday says more than anything you announce on a stage.',
  'It took a few weeks to get used to the new rhythm. After that, nobody wanted to go back.',
  'Most of what I know about {topic} I learned from moments like this one, not from books or conference talks.',
  'I am still learning this, and I expect to keep learning it for a long time.',
];

/** One line in the voice's tone, keyed by tone words a profile is likely to use. */
export const TONE_LINES: readonly { tones: readonly string[]; line: string }[] = [
  {
    tones: ['candid', 'honest', 'direct', 'blunt', 'frank', 'transparent'],
    line: 'To be candid, I did not handle every part of this well, and I am writing it down so I remember.',
  },
  {
    tones: ['warm', 'kind', 'empathetic', 'supportive', 'friendly', 'caring'],
    line: 'If you are in the middle of something like this right now, go easy on yourself. It does get better.',
  },
  {
    tones: ['practical', 'pragmatic', 'actionable', 'specific', 'clear'],
    line: 'The practical takeaway is simple: pick one small check, make it routine, and protect it when things get busy.',
  },
  {
    tones: ['playful', 'humorous', 'witty', 'light', 'funny'],
    line: 'Future me has sent past me a polite note of thanks, and maybe a mild eye-roll.',
  },
  {
    tones: ['confident', 'bold', 'assertive', 'authoritative'],
    line: 'I am convinced of this now: the teams that win are the ones that learn in public.',
  },
  {
    tones: ['thoughtful', 'reflective', 'calm', 'measured', 'quiet'],
    line: 'I keep coming back to this on walks and in one-to-ones, and it still holds up.',
  },
  {
    tones: ['inspiring', 'optimistic', 'hopeful', 'energetic', 'positive'],
    line: 'The good news is that anyone can start on Monday, with the team they already have.',
  },
];

/** Short openings for a revised post: they must fit well before the "see more" fold. */
export const SHORT_HOOKS: readonly string[] = [
  'I learned something about {topic} the hard way.',
  'One moment changed how I think about {topic}.',
  'This is a story I almost did not share.',
  'The most useful lesson I had this year started with a mistake.',
];

/** Padding for a first draft's opening paragraph (the classic over-long intro). */
export const LONG_INTRO_FILLERS: readonly string[] = [
  'I have been thinking about how to tell this story for a while, because it changed the way I work and the way I lead.',
  'It is the kind of story that sounds small when you summarise it, but it kept coming back to me for weeks afterwards.',
];

export const CLOSING_QUESTIONS: readonly string[] = [
  'What is one habit that changed how your team works?',
  'Have you had a moment like this? I would love to hear how you handled it.',
  'What would you have done differently in our place?',
  'What is the smallest change that made the biggest difference for you?',
  'Where have you seen {topic} go right, or wrong, lately?',
];

/** Words that make poor hashtags. */
export const HASHTAG_STOPWORDS: ReadonlySet<string> = new Set([
  'about',
  'after',
  'again',
  'being',
  'could',
  'every',
  'first',
  'from',
  'have',
  'into',
  'just',
  'like',
  'more',
  'most',
  'only',
  'other',
  'over',
  'that',
  'their',
  'there',
  'these',
  'they',
  'this',
  'those',
  'through',
  'what',
  'when',
  'where',
  'which',
  'while',
  'with',
  'would',
  'your',
  'taught',
  'learned',
  'story',
  'lesson',
  'lessons',
  'because',
  'never',
  'always',
  'still',
  'should',
  'might',
  'whose',
  'thing',
  'things',
  'something',
  'someone',
  'everyone',
  'nobody',
  'maybe',
  'really',
  'since',
  'until',
  'among',
  'against',
  'within',
  'without',
  'during',
  'before',
  'twice',
  'three',
  'seven',
  'eight',
  'twelve',
  'forty',
  'fifty',
  'hundred',
  'today',
  'yesterday',
  'tomorrow',
  'together',
  'exactly',
]);
