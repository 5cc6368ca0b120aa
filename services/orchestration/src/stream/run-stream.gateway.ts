import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  RUN_STREAM_BEARER_PREFIX,
  RUN_STREAM_PROTOCOL,
  RunEvent,
  RunStreamClientMessageSchema,
  RunStreamCloseCodes,
  RunStreamServerMessage,
} from '@postmagiq/contracts';
import {
  AccessTokenVerifierProvider,
  InvalidTokenError,
  Principal,
  RedisService,
  refuseUpgrade,
  RevocationKeys,
  UpgradeRouter,
} from '@postmagiq/platform';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { DataSource } from 'typeorm';
import { WebSocket, WebSocketServer } from 'ws';
import { ORCHESTRATION_DB, RunEntity } from '../entities';
import { RunEventsBus } from '../events/run-events-bus.service';

/** The stream's path shape; the id is checked in `upgrade` so a malformed one is answered 400. */
const PATH = /^\/api\/workflows\/runs\/([^/]*)\/stream\/?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTH_TIMEOUT_MS = 10_000;
const IDLE_POLL_MS = 3_000;
const HEARTBEAT_MS = 30_000;

class StreamRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `GET /api/workflows/runs/:id/stream` upgraded to a WebSocket: the run's events after the seq the
 * client names, then live, in seq order, with no gap and no duplicate on any replica. See
 * RunStreamServerMessage in contracts for the protocol. The access token comes as a subprotocol
 * (`bearer.<token>`) or in the first message, never in the URL (URLs end up in logs).
 */
@Injectable()
export class RunStreamGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RunStream');
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) =>
      protocols.has(RUN_STREAM_PROTOCOL) ? RUN_STREAM_PROTOCOL : false,
  });
  private unregister?: () => void;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly upgrades: UpgradeRouter,
    private readonly verifier: AccessTokenVerifierProvider,
    private readonly redis: RedisService,
    private readonly bus: RunEventsBus,
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.unregister = this.upgrades.register({
      name: 'run stream',
      matches: (pathname) => PATH.test(pathname),
      handle: (req, socket, head) => this.upgrade(req, socket, head),
    });
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.unregister?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const id = decodeURIComponentSafe(PATH.exec(url.pathname)?.[1] ?? '');
    if (!UUID.test(id)) {
      refuseUpgrade(socket, 400, 'runId: must be a UUID', url.pathname);
      return;
    }
    const runId = id.toLowerCase();
    const after = Math.max(0, Number.parseInt(url.searchParams.get('after') ?? '0', 10) || 0);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const bearer = offered
      .find((p) => p.startsWith(RUN_STREAM_BEARER_PREFIX))
      ?.slice(RUN_STREAM_BEARER_PREFIX.length);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      void this.serve(ws, runId, bearer ? { token: bearer, after } : null).catch((e: Error) => {
        this.logger.warn(`stream of run ${runId}: ${e.message}`);
        close(ws, 1011, 'internal error');
      });
    });
  }

  private async serve(
    ws: WebSocket,
    runId: string,
    offered: { token: string; after: number } | null,
  ): Promise<void> {
    let auth = offered;
    if (!auth) auth = await firstMessageAuth(ws);
    if (!auth) return;
    let principal: Principal;
    let run: Pick<RunEntity, 'status' | 'eventSeq'>;
    try {
      principal = await this.authenticate(auth.token);
      if (!principal.scopes.includes('content:read'))
        throw new StreamRefusal(RunStreamCloseCodes.forbidden, 'requires scope content:read');
      const found = await this.ds.getRepository(RunEntity).findOne({
        where: { id: runId, workspaceId: principal.workspaceId },
        select: { id: true, status: true, eventSeq: true },
      });
      if (!found) throw new StreamRefusal(RunStreamCloseCodes.notFound, 'run not found');
      run = found;
    } catch (error) {
      if (error instanceof StreamRefusal) {
        send(ws, { type: 'error', status: error.code - 4000, detail: error.message });
        close(ws, error.code, error.message);
        return;
      }
      throw error;
    }
    if (ws.readyState !== WebSocket.OPEN) return;
    new RunStreamSession(ws, runId, auth.after, this.bus).start({
      status: run.status,
      lastSeq: run.eventSeq,
    });
  }

  private async authenticate(token: string): Promise<Principal> {
    let principal: Principal;
    try {
      principal = await this.verifier.get().verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new StreamRefusal(RunStreamCloseCodes.unauthorized, error.message);
      throw error;
    }
    const [sessionRevoked, revokedBefore] = await Promise.all([
      this.redis.client.exists(RevocationKeys.session(principal.sessionId)),
      this.redis.client.get(RevocationKeys.user(principal.userId)),
    ]);
    if (sessionRevoked || (revokedBefore && principal.issuedAt <= Number(revokedBefore))) {
      throw new StreamRefusal(RunStreamCloseCodes.unauthorized, 'session has been revoked');
    }
    return principal;
  }
}

/**
 * One client's stream. Subscribes to the live subject first, then replays the log after `after`,
 * then delivers live events; everything goes through one queue so the order is the seq order. A
 * live event beyond the next seq (a message lost between replicas) triggers a catch-up from the
 * log, and a quiet stream polls the log now and then, so the tail is never lost either.
 */
class RunStreamSession {
  private lastSent: number;
  private chain: Promise<void> = Promise.resolve();
  private readonly unsubscribes: Array<() => void> = [];
  private poll?: NodeJS.Timeout;
  private lastLiveAt = Date.now();
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly runId: string,
    after: number,
    private readonly bus: RunEventsBus,
  ) {
    this.lastSent = after;
  }

  start(initial: { status: RunEntity['status']; lastSeq: number }): void {
    this.ws.on('close', () => this.stop());
    this.ws.on('error', () => this.stop());
    this.ws.on('message', (data) => {
      const parsed = RunStreamClientMessageSchema.safeParse(safeJson(String(data)));
      if (parsed.success && parsed.data.type === 'ping') send(this.ws, { type: 'pong' });
    });
    this.unsubscribes.push(
      this.bus.subscribeEvents(this.runId, (event) => {
        this.lastLiveAt = Date.now();
        this.enqueue(() => this.deliver(event));
      }),
      this.bus.subscribeTokens(this.runId, (chunk) =>
        send(this.ws, { type: 'agent.token', chunk }),
      ),
    );
    this.enqueue(async () => {
      await this.bus.flush();
      send(this.ws, {
        type: 'ready',
        runId: this.runId,
        status: initial.status,
        lastSeq: initial.lastSeq,
      });
      await this.catchUp();
    });
    this.poll = setInterval(() => {
      if (Date.now() - this.lastLiveAt >= IDLE_POLL_MS) this.enqueue(() => this.catchUp());
    }, IDLE_POLL_MS);
    this.poll.unref();
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(() => (this.closed ? undefined : task())).catch(() => this.stop());
  }

  private async deliver(event: RunEvent): Promise<void> {
    if (event.seq <= this.lastSent) return;
    if (event.seq > this.lastSent + 1) await this.catchUp();
    if (event.seq === this.lastSent + 1) this.sendEvent(event);
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const events = await this.bus.replay(this.runId, this.lastSent, 500);
      for (const event of events) if (event.seq === this.lastSent + 1) this.sendEvent(event);
      if (events.length < 500 || this.closed) return;
    }
  }

  private sendEvent(event: RunEvent): void {
    send(this.ws, { type: 'event', event });
    this.lastSent = event.seq;
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    for (const u of this.unsubscribes) u();
  }
}

/** Waits for `{type: 'auth', token, after}` as the first message; closes with 4401 otherwise. */
function firstMessageAuth(ws: WebSocket): Promise<{ token: string; after: number } | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      close(ws, RunStreamCloseCodes.unauthorized, 'no auth message');
      resolve(null);
    }, AUTH_TIMEOUT_MS);
    ws.once('message', (data) => {
      clearTimeout(timer);
      const parsed = RunStreamClientMessageSchema.safeParse(safeJson(String(data)));
      if (!parsed.success || parsed.data.type !== 'auth') {
        send(ws, {
          type: 'error',
          status: 401,
          detail: 'the first message must be {"type":"auth","token":…,"after":…}',
        });
        close(ws, RunStreamCloseCodes.unauthorized, 'expected an auth message');
        resolve(null);
        return;
      }
      resolve({ token: parsed.data.token, after: parsed.data.after });
    });
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

function send(ws: WebSocket, message: RunStreamServerMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function close(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
    ws.close(code, reason.slice(0, 120));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
