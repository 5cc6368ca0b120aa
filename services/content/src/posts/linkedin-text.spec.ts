import { exportFileName, toLinkedInText } from './linkedin-text';

describe('LinkedIn plain-text export', () => {
  it('keeps line breaks, emoji and hashtags; removes what LinkedIn would print literally', () => {
    const md = [
      '# Hiring is a product problem  ',
      '',
      '',
      '',
      'I was **wrong** about __interviews__. 🙃',
      '- one',
      '* two',
      '',
      '#hiring #startups\r\n',
    ].join('\n');
    expect(toLinkedInText(md)).toBe(
      [
        'Hiring is a product problem',
        '',
        'I was wrong about interviews. 🙃',
        '• one',
        '• two',
        '',
        '#hiring #startups',
      ].join('\n'),
    );
  });

  it('names the file after the title', () => {
    expect(exportFileName('Hiring: a product problem?')).toBe('hiring-a-product-problem.txt');
    expect(exportFileName('!!!')).toBe('post.txt');
  });
});
