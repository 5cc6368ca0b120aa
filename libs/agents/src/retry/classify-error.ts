import Anthropic from '@anthropic-ai/sdk';
import type { AgentBackend } from '@postmagiq/contracts';
import OpenAI from 'openai';
import { AttemptTimeoutError, CallCancelledError, VendorResponseError } from './call-errors';

export type ErrorKind =
  | 'rate_limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'auth'
  | 'client'
  | 'malformed'
  | 'refused'
  | 'cancelled'
  | 'unknown';

export interface ClassifiedError {
  kind: ErrorKind;
  /** 429, 5xx, timeouts and dropped connections are worth another attempt; nothing else is. */
  retryable: boolean;
  status: number | null;
  /** What the vendor asked us to wait (Retry-After, retry-after-ms, Google RetryInfo), if anything. */
  retryAfterMs: number | null;
  /** One line for a human: which backend, what went wrong, the vendor's words, what to do. */
  message: string;
}

const RETRYABLE: ReadonlySet<ErrorKind> = new Set([
  'rate_limit',
  'server',
  'timeout',
  'connection',
]);

/** What to tell an operator whose credentials (or host, for Ollama) are wrong. */
const AUTH_HINT: Record<AgentBackend, string> = {
  claude: 'Set ANTHROPIC_API_KEY to a valid Anthropic API key.',
  gemini: 'Set GEMINI_API_KEY to a valid Google AI Studio API key.',
  openai: 'Set OPENAI_API_KEY to a valid OpenAI API key.',
  ollama: 'Check OLLAMA_HOST and the credentials of any proxy in front of Ollama.',
  simulated: '',
};

const SUMMARY: Record<ErrorKind, string> = {
  rate_limit: 'rate limited',
  server: 'server error',
  timeout: 'timed out',
  connection: 'connection failed',
  auth: 'authentication failed',
  client: 'request rejected',
  malformed: 'malformed response',
  refused: 'response refused',
  cancelled: 'call cancelled',
  unknown: 'unexpected error',
};

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const CONNECTION_TEXT =
  /fetch failed|socket hang up|other side closed|terminated|ECONNRESET|ECONNREFUSED|network error|error reading from the stream/i;
const MALFORMED_TEXT = /JSON|parse|did not receive done|unexpected token|failed to parse stream/i;

type Loose = Record<string, unknown>;
const isRecord = (x: unknown): x is Loose => typeof x === 'object' && x !== null;

/** The one place that turns any SDK's failure into a decision and a message. */
export function classifyError(
  backend: AgentBackend,
  err: unknown,
  context: { host?: string } = {},
): ClassifiedError {
  const status = statusOf(err);
  const kind = kindOf(backend, err, status);
  const retryAfterMs = kind === 'rate_limit' || kind === 'server' ? retryAfterOf(err) : null;
  return {
    kind,
    retryable: RETRYABLE.has(kind),
    status,
    retryAfterMs,
    message: describe(backend, kind, status, vendorMessage(err), context.host),
  };
}

function kindOf(backend: AgentBackend, err: unknown, status: number | null): ErrorKind {
  if (err instanceof CallCancelledError) return 'cancelled';
  if (err instanceof AttemptTimeoutError) return 'timeout';
  if (err instanceof VendorResponseError) return err.kind;
  if (status !== null) return kindOfStatus(backend, err, status);
  if (err instanceof Anthropic.APIConnectionTimeoutError) return 'timeout';
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  // Anthropic reports failures that happen mid-stream as an SSE `error` event without a status.
  const streamType = anthropicErrorType(err);
  if (streamType === 'overloaded_error' || streamType === 'api_error') return 'server';
  if (streamType === 'rate_limit_error') return 'rate_limit';
  if (streamType === 'authentication_error' || streamType === 'permission_error') return 'auth';
  if (streamType !== null) return 'client';
  const codes = causeCodes(err);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return 'timeout';
  if (codes.some((c) => CONNECTION_CODES.has(c))) return 'connection';
  if (err instanceof Anthropic.APIConnectionError || err instanceof OpenAI.APIConnectionError) {
    return 'connection';
  }
  const text = causeMessages(err).join(' | ');
  if (err instanceof SyntaxError || MALFORMED_TEXT.test(text)) return 'malformed';
  if (CONNECTION_TEXT.test(text)) return 'connection';
  return 'unknown';
}

function kindOfStatus(backend: AgentBackend, err: unknown, status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  // Google answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
  if (backend === 'gemini' && status === 400 && googleReasons(err).includes('API_KEY_INVALID')) {
    return 'auth';
  }
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'client';
}

function describe(
  backend: AgentBackend,
  kind: ErrorKind,
  status: number | null,
  vendor: string,
  host: string | undefined,
): string {
  const where = status === null ? '' : ` (HTTP ${status})`;
  let hint = '';
  if (kind === 'auth') hint = ` ${AUTH_HINT[backend]}`;
  if (backend === 'ollama' && kind === 'connection') {
    hint = ` Ollama is unreachable${host ? ` at ${host}` : ''}: set OLLAMA_HOST to a running Ollama server.`;
  }
  const words = vendor.replace(/[.\s]+$/, '');
  const said = words ? `: ${words}` : '';
  return `${backend} backend: ${SUMMARY[kind]}${where}${said}.${hint}`;
}

function statusOf(err: unknown): number | null {
  if (!isRecord(err)) return null;
  const status = err['status'] ?? err['status_code'];
  return typeof status === 'number' && status >= 100 && status <= 599 ? status : null;
}

function anthropicErrorType(err: unknown): string | null {
  if (!(err instanceof Anthropic.APIError)) return null;
  return typeof err.type === 'string' ? err.type : null;
}

/** The vendor's own words, without SDK prefixes that repeat the status or the URL. */
function vendorMessage(err: unknown): string {
  if (!isRecord(err)) return String(err);
  const body = err['error'];
  if (typeof body === 'string' && body) return body; // ollama ResponseError
  if (isRecord(body)) {
    const nested = body['error'];
    if (isRecord(nested) && typeof nested['message'] === 'string') return nested['message'];
    if (typeof body['message'] === 'string') return body['message'];
  }
  const message = typeof err['message'] === 'string' ? err['message'] : String(err);
  const cause = causeMessages(err).slice(1).join(': ');
  const own = message.replace(/^Error fetching from \S+: /, '').replace(/[.\s]+$/, '');
  return cause && !own.includes(cause) ? `${own} (${cause})` : own;
}

function causeChain(err: unknown): Loose[] {
  const chain: Loose[] = [];
  let current: unknown = err;
  while (isRecord(current) && chain.length < 6 && !chain.includes(current)) {
    chain.push(current);
    current = current['cause'];
  }
  return chain;
}
const causeCodes = (err: unknown): string[] =>
  causeChain(err).flatMap((e) => (typeof e['code'] === 'string' ? [e['code']] : []));
const causeMessages = (err: unknown): string[] =>
  causeChain(err).flatMap((e) =>
    typeof e['message'] === 'string' && e['message'] ? [e['message']] : [],
  );

function googleDetails(err: unknown): Loose[] {
  if (!isRecord(err) || !Array.isArray(err['errorDetails'])) return [];
  return err['errorDetails'].filter(isRecord);
}
const googleReasons = (err: unknown): string[] =>
  googleDetails(err).flatMap((d) => (typeof d['reason'] === 'string' ? [d['reason']] : []));

function retryAfterOf(err: unknown): number | null {
  if (!isRecord(err)) return null;
  const headers = err['headers'];
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headerValue(headers, 'retry-after');
  if (after !== null) {
    if (/^\d+(\.\d+)?$/.test(after.trim())) return Math.max(0, Number(after) * 1000);
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  // Google puts the delay in the body: details[@type=…RetryInfo].retryDelay = "1.5s".
  for (const detail of googleDetails(err)) {
    const delay = detail['retryDelay'];
    if (typeof detail['@type'] === 'string' && detail['@type'].endsWith('RetryInfo')) {
      const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
      if (match?.[1]) return Number(match[1]) * 1000;
    }
  }
  return null;
}

function headerValue(headers: unknown, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  if (isRecord(headers)) {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return typeof value === 'string' ? value : null;
  }
  return null;
}
