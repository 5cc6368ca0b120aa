import { Writable } from 'node:stream';
import { RequestContext } from '../context/request-context';
import pino from 'pino';
import { createRootLogger, PinoNestLogger, writeInfoLine } from './logger';

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
    expect(lines[0]).toMatchObject({
      msg: 'hello',
      requestId: 'req-1',
      workspaceId: 'ws-1',
      service: 'test',
    });
  });

  it('redacts secrets', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        body: { password: 'hunter2', refreshToken: 'abc' },
        req: { headers: { authorization: 'Bearer x' } },
      },
      'x',
    );
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

  it('writes pre-serialised info lines exactly as pino would', () => {
    const { lines, logger } = capture();
    const fields = {
      requestId: 'r-1',
      workspaceId: 'w-"1"',
      req: { method: 'GET', url: '/a?b=\u2028' },
      responseTime: 3,
    };
    logger.info(fields, 'done');
    expect(writeInfoLine(logger, JSON.stringify(fields).slice(1, -1), 'done')).toBe(true);
    const [viaPino, direct] = lines as [Record<string, unknown>, Record<string, unknown>];
    expect(direct['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(
      Math.abs(Date.parse(direct['time'] as string) - Date.parse(viaPino['time'] as string)),
    ).toBeLessThan(1000);
    expect({ ...direct, time: 0 }).toEqual({ ...viaPino, time: 0 });
    expect(Object.keys(direct)).toEqual(Object.keys(viaPino));
  });

  it('writes nothing below its level, and leaves loggers it did not make to pino', () => {
    const { lines, logger } = capture();
    logger.level = 'warn';
    expect(writeInfoLine(logger, '"a":1', 'x')).toBe(true);
    expect(lines).toHaveLength(0);
    expect(writeInfoLine(pino({ level: 'info' }), '"a":1', 'x')).toBe(false);
  });
});
