import { LoggerService } from '@nestjs/common';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { Logger } from 'pino';
import { ConfigError } from '../config/config';
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

type Destination = ReturnType<typeof pino.destination>;
let processDestination: Destination | undefined;

/** Lines are written out once this many bytes are pending… */
export const LOG_BATCH_BYTES = 8192;
/** …or at the latest this long after they were logged. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * Opens `LOG_FILE` for appending (its folder created), synchronously, so that a path the process
 * cannot write stops the boot with a message naming the variable and the path.
 */
function openLogFile(path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a');
  } catch (e) {
    throw new ConfigError([
      {
        variable: 'LOG_FILE',
        message: `cannot open ${path} for appending (${(e as Error).message})`,
      },
    ]);
  }
}

/**
 * Where the process's log lines go, shared by every logger of the process: standard output, or
 * the file `LOG_FILE` names (appended to; `npm run demo` sets it so that the terminal shows the
 * run, not the service logs). Written in batches: one write per ~8 KiB of lines (some twenty
 * access lines) instead of one per line, and at the latest LOG_FLUSH_INTERVAL_MS after a line was
 * logged. Writes happen on libuv's thread pool, so the event loop never waits on a slow pipe or
 * disk (measured: synchronous batched writes serve fewer requests per second). What is pending is
 * written on process exit (also after an uncaught exception) and when the application shuts down
 * (`flushLogs`); only a SIGKILL or an out-of-memory kill can lose the last moment's lines.
 */
export function logDestination(env: NodeJS.ProcessEnv = process.env): pino.DestinationStream {
  if (!processDestination) {
    const file = env['LOG_FILE'];
    const destination = pino.destination({
      dest: file ? openLogFile(file) : 1,
      sync: false,
      minLength: LOG_BATCH_BYTES,
      periodicFlush: LOG_FLUSH_INTERVAL_MS,
    });
    process.on('exit', flushLogs);
    processDestination = destination;
  }
  return processDestination;
}

/** Writes out the log lines still pending, synchronously. */
export function flushLogs(): void {
  try {
    processDestination?.flushSync();
  } catch {
    // destroyed or not ready: nothing can be written any more
  }
}

/** Loggers made by createRootLogger: their line format is known (see `writeInfoLine`). */
const rootLoggers = new WeakSet<Logger>();

export function createRootLogger(
  options: { level?: string; service?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const logger = pino(
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
    options.destination ?? logDestination(),
  );
  rootLoggers.add(logger);
  return logger;
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/** `new Date().toISOString()`, with the part up to the second reused within a second. */
function isoTimeNow(): string {
  const now = Date.now();
  const ms = now % 1000;
  const second = now - ms;
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second).toISOString().slice(0, 20); // YYYY-MM-DDTHH:MM:SS.
  }
  return `${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/**
 * Writes an info line exactly as `logger.info(fields, msg)` on a createRootLogger logger would
 * (`{"level":30,"time":…,"service":…,<fields>,"msg":…}`), from fields already serialised by the
 * caller, skipping pino's per-call object walk (mixin, serializers, redaction): for hot lines of a
 * fixed shape that holds no secrets, such as the access line. `fieldsJson` is the inside of a JSON
 * object (`"a":1,"b":"x"`). Returns false, writing nothing, when the logger is not a root logger (the
 * caller then logs through pino); true otherwise, also when info is disabled.
 */
export function writeInfoLine(logger: Logger, fieldsJson: string, msg: string): boolean {
  if (!rootLoggers.has(logger)) return false;
  if (!logger.isLevelEnabled('info')) return true;
  const internals = logger as unknown as Record<symbol, unknown>;
  const stream = internals[pino.symbols.streamSym] as pino.DestinationStream;
  const bindings = internals[pino.symbols.chindingsSym] as string;
  stream.write(
    `{"level":${logger.levels.values['info']},"time":"${isoTimeNow()}"${bindings},${fieldsJson},"msg":${JSON.stringify(msg)}}\n`,
  );
  return true;
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
      const stack =
        level === 'error' && typeof optional[0] === 'string' && optional.length > 1
          ? optional[0]
          : undefined;
      if (stack) fields['stack'] = stack;
      this.logger[level](fields, String(message));
    }
  }
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
