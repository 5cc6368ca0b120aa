import { parseStory } from './load-story';

describe('parseStory', () => {
  it('takes a leading Markdown heading as the title', () => {
    expect(parseStory('# The purge\n\nWe closed tickets.\n', 'story.md')).toEqual({
      title: 'The purge',
      body: 'We closed tickets.',
    });
  });

  it('takes a short first line of plain text as the title', () => {
    expect(parseStory('The purge\nWe closed tickets.', 'story.txt')).toEqual({
      title: 'The purge',
      body: 'We closed tickets.',
    });
  });

  it('falls back to the file name when the text is one paragraph', () => {
    expect(parseStory('We closed 118 tickets in one afternoon.', '/tmp/backlog-purge.txt')).toEqual(
      {
        title: 'Backlog purge',
        body: 'We closed 118 tickets in one afternoon.',
      },
    );
  });

  it('refuses an empty story, naming the file', () => {
    expect(() => parseStory(' \n ', 'empty.md')).toThrow('the story empty.md is empty');
  });

  it('refuses a heading with no story under it', () => {
    expect(() => parseStory('# Only a title', 'title.md')).toThrow(
      'the story title.md is not usable: body: the story must not be empty',
    );
  });
});
