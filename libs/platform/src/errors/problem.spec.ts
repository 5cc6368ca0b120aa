import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { firstValueFrom, isObservable } from 'rxjs';
import { ProblemFilter, Problems, ProblemTypes, toProblem } from './problem';

describe('toProblem', () => {
  it('keeps a problem exception as it is, with its headers', () => {
    const { problem, headers } = toProblem(Problems.rateLimited(12));
    expect(problem).toMatchObject({ type: ProblemTypes.rateLimited, status: 429 });
    expect(headers).toEqual({ 'Retry-After': '12' });
  });

  it('names every invalid field in a validation problem', () => {
    const { problem } = toProblem(Problems.validation([{ field: 'email', message: 'bad' }]));
    expect(problem.detail).toBe('email: bad');
    expect(problem.errors).toEqual([{ field: 'email', message: 'bad' }]);
  });

  it('maps Nest HTTP exceptions to a stable type', () => {
    expect(toProblem(new NotFoundException()).problem.type).toBe(ProblemTypes.notFound);
  });

  it('reports malformed JSON as a 400 on the body', () => {
    const err = Object.assign(new Error('Unexpected token'), {
      status: 400,
      expose: true,
      type: 'entity.parse.failed',
    });
    expect(toProblem(err).problem).toMatchObject({
      status: 400,
      type: ProblemTypes.validation,
      errors: [{ field: 'body' }],
    });
  });

  it('never leaks an unknown error', () => {
    const { problem } = toProblem(new Error('db password is hunter2'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});

describe('ProblemFilter outside HTTP', () => {
  it('hands an RPC error back to the transport as an observable error (so NATS replies with it)', async () => {
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const error = Problems.notFound('story entry');
    const out = new ProblemFilter().catch(error, host);
    expect(isObservable(out)).toBe(true);
    await expect(firstValueFrom(out as never)).rejects.toBe(error);
  });
});
