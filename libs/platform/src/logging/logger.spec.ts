import { Writable } from 'node:stream';
import { RequestContext } from '../context/request-context';
import { createRootLogger, PinoNestLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, logger: createRootLogger({ destination, service: 'test' }) };
}

describe('root logger', () => {
  it('writes JSON lines carrying the request and workspace id of the current context', () => {
    const { lines, logger } = capture();
    RequestContext.run({ requestId: 'req-1' }, () => {
      RequestContext.set({ workspaceId: 'ws-1' });
      logger.info('hello');
    });
    expect(lines[0]).toMatchObject({ msg: 'hello', requestId: 'req-1', workspaceId: 'ws-1', service: 'test' });
  });

  it('redacts secrets', () => {
    const { lines, logger } = capture();
    logger.info({ body: { password: 'hunter2', refreshToken: 'abc' }, req: { headers: { authorization: 'Bearer x' } } }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer x');
    expect(text).not.toContain('"abc"');
  });

  it('adapts Nest log calls', () => {
    const { lines, logger } = capture();
    new PinoNestLogger(logger).log('booted', 'Bootstrap');
    expect(lines[0]).toMatchObject({ msg: 'booted', context: 'Bootstrap', level: 30 });
  });
});
