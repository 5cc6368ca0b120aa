import { mainJobOptions } from './main-job';

describe('main job options', () => {
  it('defaults to the one-machine stack, the default workflow and auto-approval', () => {
    expect(mainJobOptions([], { PORT: '9090' })).toMatchObject({
      url: 'http://127.0.0.1:9090',
      workflow: 'linkedin_post',
      autoApprove: true,
      dataDir: '.data',
      seedStoryFile: 'examples/story.md',
    });
  });

  it('takes flags before the environment', () => {
    const options = mainJobOptions(
      ['--url', 'http://x:1', '--story-entry', 'abc', '--no-auto-approve', '--token', 't'],
      {
        POSTMAGIQ_URL: 'http://y:2',
        POSTMAGIQ_TOKEN: 'env-token',
        DEMO_EMAIL: 'a@b.c',
      },
    );
    expect(options).toMatchObject({
      url: 'http://x:1',
      storyEntryId: 'abc',
      autoApprove: false,
      token: 't',
      email: 'a@b.c',
    });
  });
});
