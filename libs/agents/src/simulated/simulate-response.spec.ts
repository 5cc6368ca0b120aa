import { AuditResultSchema, type AgentTask } from '@postmagiq/contracts';
import { analysePostText, hasErrors, lintPost } from '@postmagiq/prompts';
import { makeAgentTask } from '../testing/agent-task.fixture';
import { simulateResponse } from './simulate-response';

const agent = (persona: string, name = persona) => ({
  name,
  backend: 'simulated' as const,
  persona,
  sessionPersist: false,
});
const writerTask = (overrides: Partial<AgentTask> = {}) =>
  makeAgentTask({ agent: agent('writer', 'writer_a'), ...overrides });
const audit = (drafts: string[], base: AgentTask = makeAgentTask()) =>
  AuditResultSchema.parse(
    JSON.parse(simulateResponse({ ...base, agent: agent('auditor'), drafts })),
  );
const words = (post: string) => analysePostText(post).words.length;
const rules = (post: string, task: AgentTask) =>
  lintPost(post, { voice: task.input.voice }).map((f) => f.rule);

/** Stories of every size and shape the schema allows, to show the rules hold for all of them. */
const STORIES: AgentTask['input']['story'][] = [
  { title: 'We shipped', body: 'We shipped.' },
  {
    title: 'A very long story',
    topic: 'hiring',
    body: Array.from(
      { length: 80 },
      (_, i) =>
        `On day ${i + 1} we interviewed another candidate and learned something new about what we actually needed.`,
    ).join(' '),
  },
  {
    title: 'Notes from the offsite',
    topic: 'remote teams',
    body: '# Agenda\n- Trust\n- Async writing\n1. Meet less\n**Bold claim**: people want clarity.\nWe tried it for a quarter',
  },
  {
    title: 'A synergy game-changer story',
    topic: 'synergy',
    body: 'This was a game-changer for us. Real synergy happened. Then the quiet work started, and the team found its own pace again.',
  },
  { title: 'One run-on thought', body: Array.from({ length: 120 }, () => 'and then').join(' ') },
];

describe('simulated writer', () => {
  it('is deterministic: the same task always yields the same post', () => {
    const task = writerTask();
    expect(simulateResponse(task)).toBe(simulateResponse(structuredClone(task)));
  });

  it('does not drop the title into sentences when the topic only repeats it', () => {
    const base = writerTask();
    const story = { ...base.input.story, title: 'The Backlog Purge', topic: 'The Backlog Purge' };
    const posts = ['writer_a', 'writer_b', 'writer_c'].map((name) =>
      simulateResponse({ ...base, agent: agent('writer', name), input: { ...base.input, story } }),
    );
    for (const post of posts) expect(post).not.toMatch(/\w The Backlog Purge/);
  });

  it('varies between parallel writers of the same state', () => {
    expect(simulateResponse(writerTask({ agent: agent('writer', 'writer_claude') }))).not.toBe(
      simulateResponse(writerTask({ agent: agent('writer', 'writer_gemini') })),
    );
  });

  it('writes a first draft whose only error is a hook past the "see more" fold', () => {
    const task = writerTask();
    const draft = simulateResponse(task);
    const errors = lintPost(draft, { voice: task.input.voice }).filter(
      (f) => f.severity === 'error',
    );
    expect(errors.map((f) => f.rule)).toEqual(['hook-fold']);
    expect(draft.split('\n\n')[0]?.length).toBeGreaterThan(210);
  });

  it('revises into a post that passes the lint, for a reviser and for a writer given feedback', () => {
    const base = writerTask();
    const firstDraft = simulateResponse(base);
    const verdict = audit([firstDraft], base);
    const revised = simulateResponse({
      ...base,
      agent: agent('reviser'),
      drafts: [firstDraft],
      audit: verdict,
    });
    expect(lintPost(revised, { voice: base.input.voice })).toEqual([]);
    const rewritten = simulateResponse({ ...base, feedback: 'Make the opening punchier.' });
    expect(hasErrors(lintPost(rewritten, { voice: base.input.voice }))).toBe(false);
    expect(revised.split('\n\n')[0]?.length).toBeLessThanOrEqual(210);
  });

  it('follows the universal rules and the voice', () => {
    const task = writerTask({ feedback: 'Good story.' });
    const post = simulateResponse(task);
    expect(words(post)).toBeGreaterThanOrEqual(250);
    expect(words(post)).toBeLessThanOrEqual(400);
    expect(post.length).toBeLessThan(3000);
    expect(post).not.toMatch(/^\s*([-*•]|\d+[.)]|#{1,6})\s/m);
    expect(analysePostText(post).hashtags.length).toBeLessThanOrEqual(3);
    expect(post).toContain('Slow is smooth, smooth is fast.');
    expect(post).toContain('Last spring our team shipped a release on a Friday afternoon.');
    for (const paragraph of post.split('\n\n')) expect(words(paragraph)).toBeLessThanOrEqual(70);
  });

  it.each(STORIES.map((story) => [story.title, story] as const))(
    'never uses an avoided phrase and revises cleanly: %s',
    (_title, story) => {
      const task = writerTask({
        input: { ...makeAgentTask().input, story },
        feedback: 'Tighten it.',
      });
      const post = simulateResponse(task);
      expect(lintPost(post, { voice: task.input.voice })).toEqual([]);
      expect(post.toLowerCase()).not.toMatch(/synergy|game-changer/);
      const firstDraft = simulateResponse({ ...task, feedback: null });
      expect(rules(firstDraft, task)).not.toContain('banned-phrase');
    },
  );

  it('addresses feedback about length and hashtags', () => {
    const base = writerTask();
    const shorter = simulateResponse({
      ...base,
      feedback: 'Too long, make it shorter and drop the extra hashtags.',
    });
    const longer = simulateResponse({ ...base, feedback: 'Expand it with more detail.' });
    expect(words(shorter)).toBeLessThan(words(longer));
    expect(analysePostText(shorter).hashtags).toHaveLength(1);
    expect(lintPost(shorter, { voice: base.input.voice })).toEqual([]);
    expect(lintPost(longer, { voice: base.input.voice })).toEqual([]);
  });
});

describe('simulated auditor', () => {
  const base = writerTask();
  const firstDraft = simulateResponse(base);
  const cleanDraft = simulateResponse({ ...base, feedback: 'Fix the hook.' });

  it('answers valid AuditResult JSON', () => {
    const raw = simulateResponse({ ...base, agent: agent('auditor'), drafts: [firstDraft] });
    expect(AuditResultSchema.safeParse(JSON.parse(raw)).success).toBe(true);
  });

  it('halts when there is no draft', () => {
    expect(audit([])).toMatchObject({ decision: 'halt', score: 0, findings: [] });
  });

  it('asks for a retry when every draft has an error, naming the fix', () => {
    const result = audit([firstDraft, firstDraft]);
    expect(result).toMatchObject({ decision: 'retry', bestDraft: 0 });
    expect(result.score).toBe(7);
    expect(result.feedback).toMatch(/see more/);
    expect(result.findings.map((f) => f.rule)).toEqual(['hook-fold', 'hook-fold']);
    expect(result.findings[1]?.message).toMatch(/^draft 1: /);
  });

  it('proceeds with the clean draft as soon as one exists', () => {
    const result = audit([firstDraft, cleanDraft]);
    expect(result).toMatchObject({ decision: 'proceed', bestDraft: 1, score: 10 });
    expect(result.findings.map((f) => f.rule)).toEqual(['hook-fold']);
  });

  it('lowers the score with every finding', () => {
    const bulleted = `${cleanDraft}\n\n- a list item\n\n#one #two #three #four`;
    const result = audit([bulleted]);
    expect(result.decision).toBe('retry');
    expect(result.score).toBeLessThan(7);
    expect(result.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['no-bullets', 'hashtag-count']),
    );
  });
});

describe('simulated synthesizer', () => {
  const base = writerTask();
  const firstDraft = simulateResponse(base);
  const cleanDraft = simulateResponse({ ...base, feedback: 'Fix the hook.' });

  it.each(['synthesizer', 'orchestrator'])(
    '%s keeps the clean best draft as the final post',
    (persona) => {
      expect(
        simulateResponse({ ...base, agent: agent(persona), drafts: [firstDraft, cleanDraft] }),
      ).toBe(cleanDraft);
    },
  );

  it('rewrites cleanly when no draft is clean, or when a reviewer rejected the post', () => {
    const fromFlawed = simulateResponse({
      ...base,
      agent: agent('synthesizer'),
      drafts: [firstDraft],
    });
    expect(lintPost(fromFlawed, { voice: base.input.voice })).toEqual([]);
    const afterRejection = simulateResponse({
      ...base,
      agent: agent('synthesizer'),
      drafts: [cleanDraft],
      feedback: 'Shorter please, it drags in the middle.',
    });
    expect(afterRejection).not.toBe(cleanDraft);
    expect(words(afterRejection)).toBeLessThan(words(cleanDraft));
    expect(lintPost(afterRejection, { voice: base.input.voice })).toEqual([]);
  });

  it('writes a clean post from the story when it receives no drafts', () => {
    const post = simulateResponse({ ...base, agent: agent('synthesizer'), drafts: [] });
    expect(lintPost(post, { voice: base.input.voice })).toEqual([]);
  });
});
