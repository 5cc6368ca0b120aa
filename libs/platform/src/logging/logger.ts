import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { RequestContext } from '../context/request-context';

/** Paths pino replaces with `[redacted]` wherever they appear in a log object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.passwordHash',
  'password',
  'refreshToken',
  'accessToken',
  'token',
];

let stdoutDestination: pino.DestinationStream | undefined;

/** Lines are written out once this many bytes are pending… */
export const LOG_BATCH_BYTES = 4096;
/** …or at the latest this long after they were logged. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * Standard output, shared by every logger of the process, written asynchronously in batches: one
 * write per ~4 KiB of lines (about a dozen access lines) instead of one per line, off the event
 * loop, never blocking it on a slow pipe or disk. A quiet process still gets its lines out within
 * LOG_FLUSH_INTERVAL_MS. pino flushes what is pending synchronously on process exit (also after an
 * uncaught exception); only a SIGKILL or an out-of-memory kill can lose the last moment's lines.
 */
export function stdoutLogDestination(): pino.DestinationStream {
  if (!stdoutDestination) {
    const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES });
    setInterval(() => {
      try {
        destination.flush();
      } catch {
        // destroyed (process ending): nothing left to flush
      }
    }, LOG_FLUSH_INTERVAL_MS).unref();
    stdoutDestination = destination;
  }
  return stdoutDestination;
}

export function createRootLogger(
  options: { level?: string; service?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service ?? 'postmagiq' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // every line carries the current request id / workspace id / run id
      mixin() {
        return { ...RequestContext.get() };
      },
    },
    options.destination ?? stdoutLogDestination(),
  );
}

/** Nest's LoggerService on top of pino, so framework logs are JSON lines with the same context. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  private write(level: pino.Level, message: unknown, optional: unknown[]): void {
    const context = optional.length > 0 ? optional[optional.length - 1] : undefined;
    const fields: Record<string, unknown> = {};
    if (typeof context === 'string') fields['context'] = context;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as object) });
    } else {
      const stack = level === 'error' && typeof optional[0] === 'string' && optional.length > 1 ? optional[0] : undefined;
      if (stack) fields['stack'] = stack;
      this.logger[level](fields, String(message));
    }
  }
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
