import { PassThrough } from 'node:stream';
import { askForApproval } from './terminal-approval';

async function answer(lines: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const decision = askForApproval('The post text.', input, output);
  input.end(lines.map((line) => `${line}\n`).join(''));
  return { decision: await decision, shown };
}

describe('askForApproval', () => {
  it('shows the post and approves', async () => {
    const { decision, shown } = await answer(['a']);
    expect(decision).toEqual({ decision: 'approve' });
    expect(shown).toContain('The post text.');
  });

  it('rejects with the feedback typed next', async () => {
    expect((await answer(['r', 'Name the customer.'])).decision).toEqual({
      decision: 'reject',
      feedback: 'Name the customer.',
    });
  });

  it('insists on feedback before rejecting', async () => {
    const { decision, shown } = await answer(['reject', '', 'r', 'Shorter.']);
    expect(decision).toEqual({ decision: 'reject', feedback: 'Shorter.' });
    expect(shown).toContain('Feedback is needed to reject');
  });

  it('takes a multi-line edit up to a lone dot', async () => {
    expect((await answer(['e', 'First line.', '', 'Second paragraph.', '.'])).decision).toEqual({
      decision: 'edit',
      text: 'First line.\n\nSecond paragraph.',
    });
  });

  it('asks again after an answer it does not know', async () => {
    const { decision, shown } = await answer(['maybe', 'a']);
    expect(decision).toEqual({ decision: 'approve' });
    expect(shown).toContain('"maybe" is not one of a, r, e.');
  });

  it('fails plainly when input ends before an answer', async () => {
    await expect(answer([])).rejects.toThrow('pass --auto-approve to run unattended');
  });
});
