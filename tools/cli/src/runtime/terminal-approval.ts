import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';

export type ApprovalDecision =
  | { decision: 'approve' }
  | { decision: 'reject'; feedback: string }
  | { decision: 'edit'; text: string };

/**
 * Asks the person at the terminal what to do with a post: approve it, reject it with feedback
 * (the workflow loops back), or replace it with their own edit.
 */
export async function askForApproval(
  post: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<ApprovalDecision> {
  const rl = createInterface({ input, output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    output.write(question);
    const next = await lines.next();
    if (next.done)
      throw new Error(
        'the approval prompt was closed before an answer; pass --auto-approve to run unattended',
      );
    return next.value.trim();
  };
  try {
    output.write(`\n${pc.bold('Post awaiting approval:')}\n\n${post}\n\n`);
    for (;;) {
      const answer = (
        await ask(`${pc.magenta('?')} [a]pprove, [r]eject with feedback, [e]dit: `)
      ).toLowerCase();
      if (answer === 'a' || answer === 'approve') return { decision: 'approve' };
      if (answer === 'r' || answer === 'reject') {
        const feedback = await ask('Feedback for the writers: ');
        if (feedback !== '') return { decision: 'reject', feedback };
        output.write('Feedback is needed to reject: say what to change.\n');
        continue;
      }
      if (answer === 'e' || answer === 'edit') {
        output.write('Type or paste the post; end with a line holding only a dot (.)\n');
        const edited: string[] = [];
        for (let line = await ask(''); line !== '.'; line = await ask('')) edited.push(line);
        const text = edited.join('\n').trim();
        if (text !== '') return { decision: 'edit', text };
        output.write('The edit was empty; the post is unchanged.\n');
        continue;
      }
      output.write(`"${answer}" is not one of a, r, e.\n`);
    }
  } finally {
    rl.close();
  }
}
