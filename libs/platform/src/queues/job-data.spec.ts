import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { RequestContext } from '../context/request-context';
import { runInJobContext } from './job-context';
import { InvalidJobDataError, parseJobData } from './job-data';

const Schema = z.strictObject({ runId: z.string().uuid(), seq: z.number().int().nonnegative() });
const runId = '3f1c2b9e-8d4a-4e2b-9c1d-2a3b4c5d6e7f';

function jobOf(data: unknown) {
  return { id: 'job-1', queueName: 'orchestration.steps', data };
}

describe('parseJobData', () => {
  const errors: string[] = [];
  const logger = { error: (message: string) => errors.push(message) };
  beforeEach(() => errors.splice(0));

  it('returns the payload without the request context envelope', () => {
    const data = { runId, seq: 2, _ctx: { requestId: 'r-1' } };
    expect(parseJobData(jobOf(data), Schema, 'step job', logger)).toEqual({ runId, seq: 2 });
    expect(errors).toEqual([]);
  });

  it('fails an invalid payload for good, naming each field, and logs it', () => {
    const parse = () => parseJobData(jobOf({ runId: 'x', seq: -1 }), Schema, 'step job', logger);
    expect(parse).toThrow(InvalidJobDataError);
    expect(parse).toThrow(UnrecoverableError);
    expect(parse).toThrow(/^invalid step job payload: runId: .*; seq: /);
    expect(errors[0]).toMatch(
      /^job job-1 on orchestration\.steps: invalid payload, failed without retry \(runId: /,
    );
  });

  it('fails a payload that is not an object at all', () => {
    expect(() => parseJobData(jobOf('nope'), Schema, 'step job', logger)).toThrow(
      /^invalid step job payload: \(payload\): /,
    );
    expect(() => parseJobData(jobOf(undefined), Schema, 'step job', logger)).toThrow(
      InvalidJobDataError,
    );
  });
});

describe('runInJobContext', () => {
  it('continues the enqueuer’s request id, with what the worker knows on top', async () => {
    const job = { data: { n: 1, _ctx: { requestId: 'from-http', workspaceId: 'ws-1' } } };
    const ctx = await runInJobContext(job, async () => RequestContext.get(), { runId });
    expect(ctx).toEqual({ requestId: 'from-http', workspaceId: 'ws-1', runId });
  });

  it('starts a fresh request id when the job carries none, and ignores unset known fields', async () => {
    const ctx = await runInJobContext({ data: { n: 1 } }, async () => RequestContext.get(), {
      runId,
      workspaceId: undefined,
    });
    expect(ctx?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx).toEqual({ requestId: ctx?.requestId, runId });
  });
});
