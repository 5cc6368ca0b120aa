import { Logger, type LoggerService } from '@nestjs/common';
import type { PlatformConfig } from '../config/config';
import { RequestContext } from '../context/request-context';
import { startNats, type Managed } from '../testing/processes';
import { connectNats, NatsRpcClient } from './nats';
import { z } from 'zod';

/** Every line Nest logs, with the request id in context when it was logged. */
function recordingLogger(lines: Array<{ msg: string; requestId?: string }>): LoggerService {
  const record = (msg: unknown) =>
    lines.push({ msg: String(msg), requestId: RequestContext.get()?.requestId });
  return {
    log: record,
    error: record,
    warn: record,
    debug: record,
    verbose: record,
    fatal: record,
  };
}

describe('NatsRpcClient (real NATS)', () => {
  let nats: Managed;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(() => nats?.stop());
  afterEach(() => Logger.overrideLogger(false));

  it("carries the caller's context in the request, and its own lines carry no request's ids", async () => {
    const config = { NATS_URL: nats.url, SERVICE_NAME: 'test' } as PlatformConfig;
    const responder = await connectNats(config);
    responder.subscribe('test.echo', {
      callback: (_err, msg) => {
        const { data } = msg.json<{ data: unknown }>();
        msg.respond(
          JSON.stringify({
            response: { data, requestId: msg.headers?.get('x-request-id') },
            isDisposed: true,
            id: msg.json<{ id: string }>().id,
          }),
        );
      },
    });
    await responder.flush();
    const lines: Array<{ msg: string; requestId?: string }> = [];
    Logger.overrideLogger(recordingLogger(lines));

    const client = new NatsRpcClient(config);
    await client.onApplicationBootstrap(); // as Nest boots it, outside any request
    const answer = await RequestContext.run({ requestId: 'req-1' }, () =>
      client.request(
        'test.echo',
        { n: 1 },
        z.object({ data: z.object({ n: z.number() }), requestId: z.string() }),
      ),
    );
    expect(answer).toEqual({ data: { n: 1 }, requestId: 'req-1' });

    await client.onApplicationShutdown();
    await responder.close();
    const own = lines.filter((l) => /NatsStatus|close/i.test(l.msg));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((l) => l.requestId !== undefined)).toEqual([]);
  });
});
