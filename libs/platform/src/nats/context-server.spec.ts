import { RequestContext } from '../context/request-context';
import { ContextServerNats } from './nats';

/** A NATS message as the server receives it, with context headers. */
function message(subject: string, body: object, headers: Record<string, string>, reply?: string) {
  const answers: string[] = [];
  return {
    answers,
    msg: {
      subject,
      data: new TextEncoder().encode(JSON.stringify(body)),
      reply,
      headers: { get: (name: string) => headers[name] ?? '' },
      json: () => body,
      respond: (data: string) => answers.push(data),
    },
  };
}

describe('ContextServerNats', () => {
  it('answers a request from inside the caller request context', async () => {
    const server = new ContextServerNats({});
    server.addHandler(
      'identity.membership.get',
      async (data: unknown) => ({ data, ctx: RequestContext.get() }),
      false,
    );
    const { msg, answers } = message(
      'identity.membership.get',
      { id: 'm-1', pattern: 'identity.membership.get', data: { userId: 'u-1' } },
      { 'x-request-id': 'req-42', 'x-workspace-id': 'ws-7' },
      '_INBOX.1',
    );
    await server.handleMessage('identity.membership.get', msg);
    await new Promise((ok) => setTimeout(ok, 10));
    const answer = JSON.parse(answers[0] ?? '{}') as { response?: { data: unknown; ctx: object } };
    expect(answer.response).toEqual({
      data: { userId: 'u-1' },
      ctx: { requestId: 'req-42', workspaceId: 'ws-7' },
    });
    expect(RequestContext.get()).toBeUndefined();
  });

  it('runs event handlers inside the publisher context, with a new request id when none came', async () => {
    const server = new ContextServerNats({});
    const seen: unknown[] = [];
    server.addHandler(
      'identity.user.registered',
      async () => void seen.push(RequestContext.get()),
      true,
    );
    const { msg } = message(
      'identity.user.registered',
      { pattern: 'identity.user.registered', data: {} },
      { 'x-workspace-id': 'ws-9' },
    );
    await server.handleMessage('identity.user.registered', msg);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      workspaceId: 'ws-9',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});
