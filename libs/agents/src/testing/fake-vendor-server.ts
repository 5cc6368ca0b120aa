import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** Vendor-neutral usage a fake reports; each fake maps it onto its vendor's fields. */
export interface FakeUsage {
  /** Every prompt token, cached ones included. */
  input: number;
  output: number;
  /** Of `input`, read from a prompt cache. */
  cachedInput?: number;
  /** Of `input`, written to a prompt cache (Anthropic only). */
  cacheWrite?: number;
}

/** What the fake answers to the next request. Unqueued requests get `defaultReply`. */
export type FakeReply =
  | { kind: 'stream'; chunks: string[]; usage?: FakeUsage }
  | {
      kind: 'error';
      status: number;
      message?: string;
      retryAfterSeconds?: number;
      headers?: Record<string, string>;
    }
  /** 200 with a body the SDK cannot parse. */
  | { kind: 'malformed' }
  /** Accept the request and never answer (a hung upstream). */
  | { kind: 'hang' }
  /** Destroy the connection before answering (a reset). */
  | { kind: 'reset' }
  /** Stream these chunks, then destroy the connection mid-stream. */
  | { kind: 'drop'; chunks: string[] };

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed (undefined when it was not JSON). */
  body: unknown;
  receivedAt: number;
}

export const DEFAULT_FAKE_USAGE: FakeUsage = { input: 120, output: 8 };

/**
 * A local HTTP server on 127.0.0.1 (random port) speaking one vendor's wire format, so adapters
 * are tested through their real SDK with no network and no mocks. Subclasses implement the
 * vendor's framing; this class owns the scripting, the recording and the lifecycle.
 */
export abstract class FakeVendorServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: FakeReply[] = [];
  private server: Server | null = null;
  private port = 0;

  constructor(
    /** The key a request must carry; null accepts anything (Ollama has no auth). */
    readonly apiKey: string | null,
  ) {}

  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    if (!this.server) throw new Error('fake server not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** The JSON body of a recorded request (the last one by default). */
  bodyOf(index = -1): Record<string, unknown> {
    const body = this.requests.at(index)?.body;
    if (typeof body !== 'object' || body === null)
      throw new Error(`request ${index} had no JSON body`);
    return body as Record<string, unknown>;
  }

  /** Milliseconds between two recorded requests. */
  gapMs(from: number, to: number): number {
    const a = this.requests.at(from);
    const b = this.requests.at(to);
    if (!a || !b) throw new Error(`no requests ${from} and ${to} recorded`);
    return b.receivedAt - a.receivedAt;
  }

  /** Replies for the next requests, in order. */
  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  defaultReply(): FakeReply {
    return {
      kind: 'stream',
      chunks: ['Hello', ' from', ' the', ' fake.'],
      usage: DEFAULT_FAKE_USAGE,
    };
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Does this request go to the endpoint the fake serves? */
  protected abstract route(method: string, path: string): boolean;
  /** Does the request carry the expected credentials? */
  protected abstract authorized(req: IncomingMessage, url: URL): boolean;
  /** The vendor's stream for this text, frame by frame, exactly as the vendor frames it. */
  protected abstract streamPlan(chunks: string[], usage: FakeUsage, body: unknown): StreamPlan;
  /** The vendor's JSON error body for a status. */
  protected abstract errorBody(
    status: number,
    message: string,
    retryAfterSeconds?: number,
  ): unknown;
  /** What the vendor answers to a wrong or missing key. */
  protected abstract unauthorized(): { status: number; body: unknown };
  /** A 200 whose body the SDK cannot parse. */
  protected abstract malformed(): { contentType: string; body: string };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    this.requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      receivedAt: Date.now(),
    });
    if (!this.route(req.method ?? 'GET', url.pathname)) {
      return writeJson(res, 404, this.errorBody(404, `no route for ${req.method} ${url.pathname}`));
    }
    if (!this.authorized(req, url)) {
      const { status, body: errorBody } = this.unauthorized();
      return writeJson(res, status, errorBody);
    }
    const reply = this.queue.shift() ?? this.defaultReply();
    switch (reply.kind) {
      case 'stream':
        return writeStream(
          res,
          this.streamPlan(reply.chunks, reply.usage ?? DEFAULT_FAKE_USAGE, body),
        );
      case 'drop':
        return writeStream(res, this.streamPlan(reply.chunks, DEFAULT_FAKE_USAGE, body), {
          drop: true,
        });
      case 'error':
        for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
        if (reply.retryAfterSeconds !== undefined)
          res.setHeader('retry-after', String(reply.retryAfterSeconds));
        return writeJson(
          res,
          reply.status,
          this.errorBody(
            reply.status,
            reply.message ?? `fake failure ${reply.status}`,
            reply.retryAfterSeconds,
          ),
        );
      case 'malformed': {
        const { contentType, body: text } = this.malformed();
        res.writeHead(200, { 'content-type': contentType });
        res.end(text);
        return;
      }
      case 'hang':
        return; // closeAllConnections() ends it when the suite closes the server
      case 'reset':
        req.socket.destroy();
        return;
    }
  }
}

/** A vendor stream: its content type, its frames in order, and how many frames carry the text. */
export interface StreamPlan {
  contentType: string;
  frames: string[];
  /** A `drop` sends the frames before this index (text, not the closing frames), then cuts the socket. */
  textEnd: number;
  headers?: Record<string, string>;
}

async function writeStream(
  res: ServerResponse,
  plan: StreamPlan,
  opts: { drop?: boolean } = {},
): Promise<void> {
  res.writeHead(200, {
    'content-type': plan.contentType,
    'cache-control': 'no-cache',
    ...plan.headers,
  });
  const frames = opts.drop ? plan.frames.slice(0, plan.textEnd) : plan.frames;
  for (const frame of frames) {
    res.write(frame);
    // Yield between frames so the client really receives a stream in pieces.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (opts.drop) {
    res.socket?.destroy();
    return;
  }
  res.end();
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
